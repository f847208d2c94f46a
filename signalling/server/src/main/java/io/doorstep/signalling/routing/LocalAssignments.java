package io.doorstep.signalling.routing;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.call.CallStore;

/** Claims against stores that one thread owns: a check, then the writes, with nothing in between. */
public final class LocalAssignments implements Assignments {
    private final CallStore calls;
    private final AgentRegistry agents;

    public LocalAssignments(CallStore calls, AgentRegistry agents) {
        this.calls = calls;
        this.agents = agents;
    }

    @Override
    public Claim claim(Call offered, AgentStatus ringing) {
        Assignments.checkOffer(offered, ringing);
        boolean callFree = calls.get(offered.id())
                .filter(c -> c.state() == CallState.QUEUED && c.offeredTo() == null).isPresent();
        if (!callFree) {
            return Claim.CALL_TAKEN;
        }
        if (agents.get(ringing.agentId()).filter(AgentStatus::routable).isEmpty()) {
            return Claim.AGENT_TAKEN;
        }
        calls.put(offered);
        agents.put(ringing);
        return Claim.CLAIMED;
    }
}
