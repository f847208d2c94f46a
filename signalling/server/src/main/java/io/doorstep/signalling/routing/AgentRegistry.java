package io.doorstep.signalling.routing;

import io.doorstep.protocol.AgentState;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The signed-in agents and their states. Owned by one thread; a cluster implementation keeps it in Redis. */
public interface AgentRegistry {
    void put(AgentStatus status);

    /**
     * Writes {@code next} only if the stored agent is still in {@code expected}'s state, with its call, since the same
     * moment: in a cluster another node may have offered it a call or changed it in between, and that newer state
     * wins. Keeps the stored online flag (see {@link #setOnline}). False if nothing was written.
     */
    default boolean replace(AgentStatus expected, AgentStatus next) {
        Optional<AgentStatus> now = get(expected.agentId()).filter(a -> a.state() == expected.state()
                && Objects.equals(a.callId(), expected.callId()) && a.stateSince() == expected.stateSince());
        now.ifPresent(a -> put(next.withOnline(a.online())));
        return now.isPresent();
    }

    /** Sets only the agent's online flag, keeping whatever state it is in now; the agent as it is then. */
    default Optional<AgentStatus> setOnline(String agentId, boolean online) {
        Optional<AgentStatus> now = get(agentId).map(a -> a.withOnline(online));
        now.ifPresent(this::put);
        return now;
    }

    Optional<AgentStatus> get(String agentId);

    void remove(String agentId);

    /** Routable agents with the skill, longest idle first. */
    List<AgentStatus> available(String skillGroup);

    /**
     * At most {@code limit} of {@link #available(String)} from {@code offset} on, in the same order: choosing an agent
     * reads a page, not the whole group (in Redis a read per agent).
     */
    List<AgentStatus> available(String skillGroup, int offset, int limit);

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
