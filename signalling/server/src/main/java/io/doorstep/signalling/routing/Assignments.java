package io.doorstep.signalling.routing;

import io.doorstep.signalling.call.Call;

/**
 * Offers a call to an agent in one atomic step: the call must still be queued and offered to nobody, the agent
 * still available and online; only then are both written. On one node the switchboard thread makes this trivially
 * true; across nodes it is what keeps a call from ringing at two agents and an agent from being offered two calls.
 */
public interface Assignments {
    /** What a claim found. */
    enum Claim {
        /** Both were free; the call now rings at the agent. */
        CLAIMED,
        /** The call is gone, or is already ringing or connected; nothing was written. */
        CALL_TAKEN,
        /** The agent is gone, offline, or no longer available; nothing was written. */
        AGENT_TAKEN
    }

    /**
     * Writes {@code offered} (the call, offered to {@code ringing}'s agent) and {@code ringing} (that agent, offered
     * it) if the stored call is still queued and unoffered and the stored agent still routable.
     */
    Claim claim(Call offered, AgentStatus ringing);

    /** The arguments must describe one offer: the call offered to the agent, the agent offered the call. */
    static void checkOffer(Call offered, AgentStatus ringing) {
        if (offered.offeredTo() == null || !offered.offeredTo().equals(ringing.agentId())
                || !offered.id().equals(ringing.callId())) {
            throw new IllegalArgumentException("call " + offered.id() + " and agent " + ringing.agentId()
                    + " do not describe one offer");
        }
    }
}
