package io.doorstep.signalling.routing;

import io.doorstep.protocol.AgentState;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The signed-in agents and their states. Owned by one thread; a cluster implementation keeps it in Redis. */
public interface AgentRegistry {
    void put(AgentStatus status);

    Optional<AgentStatus> get(String agentId);

    void remove(String agentId);

    /** Routable agents with the skill, longest idle first. */
    List<AgentStatus> available(String skillGroup);

    /** Counts for a skill group, without copying it: read on every queue update. */
    Staffing staffing(String skillGroup);

    Collection<AgentStatus> all();

    /** Agents in a state, counted as they change: the gauges read it after every change. */
    int count(AgentState state);
}
