package io.doorstep.signalling.routing;

import io.doorstep.protocol.AgentState;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    /** Agents in a state, counted as they change. */
    int count(AgentState state);

    /**
     * Agents in every state at once: what the gauges read after every change. In Redis one round trip instead of one
     * per state (the cluster benchmark measured the gauges' reads as a fifth of a call's round trips).
     */
    default Map<AgentState, Integer> counts() {
        Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
        for (AgentState state : AgentState.values()) {
            counts.put(state, count(state));
        }
        return counts;
    }
}
