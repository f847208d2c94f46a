package io.doorstep.signalling.routing;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Picks the agent to offer a call to: a strategy chosen by config ({@code routing.agent-selector}). */
public interface AgentSelector {
    Optional<AgentStatus> select(String skillGroup, AgentRegistry agents, Predicate<AgentStatus> eligible);

    /**
     * The longest-idle routable agent with the skill: fair to agents, the usual contact-centre rule. Reads the group
     * a page at a time, not whole (in Redis a read per agent); should another node change the group between two pages
     * an agent may be passed over this once, as it could be by a read of the whole group a moment earlier.
     */
    static AgentSelector longestIdle() {
        return AgentSelector::firstEligible;
    }

    private static Optional<AgentStatus> firstEligible(String skillGroup, AgentRegistry agents,
            Predicate<AgentStatus> eligible) {
        int size = 8; // the first page almost always has an eligible agent
        for (int offset = 0; ; offset += size) {
            List<AgentStatus> page = agents.available(skillGroup, offset, size);
            Optional<AgentStatus> found = page.stream().filter(eligible).findFirst();
            if (found.isPresent() || page.size() < size) {
                return found;
            }
        }
    }

    static AgentSelector named(String name) {
        if (name.equals("longest-idle")) {
            return longestIdle();
        }
        throw new IllegalArgumentException("unknown agent selector " + name);
    }
}
