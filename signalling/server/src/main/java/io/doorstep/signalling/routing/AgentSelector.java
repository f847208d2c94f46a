package io.doorstep.signalling.routing;

import java.util.Optional;
import java.util.function.Predicate;

/** Picks the agent to offer a call to: a strategy chosen by config ({@code routing.agent-selector}). */
public interface AgentSelector {
    Optional<AgentStatus> select(String skillGroup, AgentRegistry agents, Predicate<AgentStatus> eligible);

    /** The longest-idle routable agent with the skill: fair to agents, the usual contact-centre rule. */
    static AgentSelector longestIdle() {
        return (skillGroup, agents, eligible) -> agents.available(skillGroup).stream().filter(eligible).findFirst();
    }

    static AgentSelector named(String name) {
        if (name.equals("longest-idle")) {
            return longestIdle();
        }
        throw new IllegalArgumentException("unknown agent selector " + name);
    }
}
