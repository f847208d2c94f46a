package io.doorstep.signalling.documents;

import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.routing.Dispatcher.Rejection;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import java.util.Optional;

/** The two parties of connected calls, as the document messages need them. */
final class Parties {
    private final CallStore calls;
    private final SessionDirectory sessions;

    Parties(CallStore calls, SessionDirectory sessions) {
        this.calls = calls;
        this.sessions = sessions;
    }

    /** The call, if it is live and connected. */
    Optional<Call> connected(String callId) {
        return calls.get(callId).filter(c -> c.state() == CallState.CONNECTED);
    }

    /** The connected call {@code callId} of {@code party}: NOT_IN_CALL or INVALID_STATE otherwise. */
    Call connectedCallOf(Session party, String callId) throws Rejection {
        Call call = calls.get(callId).filter(c -> c.isParty(party.identityId())).orElseThrow(() ->
                new Rejection(ErrorCode.NOT_IN_CALL, "no such call of yours: " + callId));
        if (call.state() != CallState.CONNECTED) {
            throw new Rejection(ErrorCode.INVALID_STATE, "the call is not connected yet");
        }
        return call;
    }

    /** Sends to the call's station, wherever its session is held. */
    void tellStation(Call call, ServerMessage message) {
        sessions.deliver(call.stationId(), message);
    }

    /** Sends to the call's agent, wherever its session is held. */
    void tellAgent(Call call, ServerMessage message) {
        sessions.deliver(call.agentId(), message);
    }

    void tellBoth(Call call, ServerMessage message) {
        tellStation(call, message);
        tellAgent(call, message);
    }
}
