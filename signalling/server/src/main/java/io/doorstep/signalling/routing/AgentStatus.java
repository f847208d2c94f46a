package io.doorstep.signalling.routing;

import io.doorstep.protocol.AgentState;
import java.util.Set;

/**
 * A signed-in agent as the routing sees it. {@code idleSince} orders available agents (longest idle first);
 * {@code online} is false while its connection is down within the grace period, so no call is offered to it.
 */
public record AgentStatus(String agentId, Set<String> skillGroups, AgentState state, long stateSince,
                          long idleSince, String callId, boolean online) {

    public AgentStatus {
        skillGroups = Set.copyOf(skillGroups);
    }

    public AgentStatus withState(AgentState newState, String newCallId, long now) {
        long idle = newState == AgentState.AVAILABLE && state != AgentState.AVAILABLE
                && state != AgentState.OFFERED ? now : idleSince;
        return new AgentStatus(agentId, skillGroups, newState, now, idle, newCallId, online);
    }

    public AgentStatus withOnline(boolean nowOnline) {
        return new AgentStatus(agentId, skillGroups, state, stateSince, idleSince, callId, nowOnline);
    }

    /** Ready to be offered a call now. */
    public boolean routable() {
        return online && state == AgentState.AVAILABLE;
    }
}
