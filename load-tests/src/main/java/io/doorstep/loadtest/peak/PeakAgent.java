package io.doorstep.loadtest.peak;

import io.doorstep.loadtest.calls.OfferMatcher;
import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.ConnectionListener;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ServerMessage;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * An agent at the acceptance centre: lets an offer ring for a human delay before accepting, talks for the item's
 * handling time, then does its after-call work before it is available again. Its state lives on its event loop.
 */
final class PeakAgent implements ConnectionListener {
    private static final String ACCEPT_ID = "accept";

    private final PeakStats stats;
    private final OfferMatcher offers;
    private final HumanTimes times;
    private final SkillMix mix;
    private final SplittableRandom random;
    private final CompletableFuture<Void> available = new CompletableFuture<>();
    private String ringing;
    private String talking;

    PeakAgent(PeakLoad.Context context, long seed) {
        this.stats = context.stats();
        this.offers = context.offers();
        this.times = context.times();
        this.mix = context.mix();
        this.random = new SplittableRandom(seed);
    }

    CompletableFuture<Void> available() {
        return available;
    }

    @Override
    public void onMessage(BenchConnection c, ServerMessage message, long arrivedNanos) {
        if (message instanceof ServerMessage.Welcome) {
            c.send(new ClientMessage.SetAgentState(null, AgentState.AVAILABLE));
        } else if (message instanceof ServerMessage.AgentStateChanged state) {
            stateChanged(c, state.state());
        } else if (message instanceof ServerMessage.CallOffer offer) {
            offers.offered(offer.callId(), arrivedNanos);
            ringing = offer.callId();
            c.schedule(() -> accept(c, offer.callId()), times.answerDelayNanos(random));
        } else if (message instanceof ServerMessage.OfferWithdrawn withdrawn) {
            stats.count(PeakStats.Count.OFFERS_WITHDRAWN); // the station cancelled, or the ring timed out
            if (withdrawn.callId().equals(ringing)) {
                ringing = null;
            }
        } else if (message instanceof ServerMessage.CallConnected connected) {
            talking = connected.callId();
            long handling = times.handlingNanos(random, mix.typicalMinutes(connected.serviceItem().code()));
            c.schedule(() -> hangUp(c, connected.callId()), handling);
        } else if (message instanceof ServerMessage.CallEnded ended) {
            if (ended.callId().equals(talking)) {
                talking = null;
            }
        } else if (message instanceof ServerMessage.PeerReconnecting) {
            stats.count(PeakStats.Count.PEER_RECONNECTING);
        } else if (message instanceof ServerMessage.Error error) {
            failed(error);
        }
    }

    private void stateChanged(BenchConnection c, AgentState state) {
        if (state == AgentState.AVAILABLE) {
            available.complete(null);
        } else if (state == AgentState.WRAP_UP) {
            c.schedule(() -> c.send(new ClientMessage.SetAgentState(null, AgentState.AVAILABLE)), times.wrapUpNanos());
        }
    }

    private void accept(BenchConnection c, String callId) {
        if (callId.equals(ringing)) {
            ringing = null;
            c.send(new ClientMessage.CallAccept(ACCEPT_ID, callId));
        }
    }

    /** An accept that crossed the station's cancel finds no call: a race of the people, not a fault. */
    private void failed(ServerMessage.Error error) {
        if (ACCEPT_ID.equals(error.re())
                && (error.code() == ErrorCode.NOT_IN_CALL || error.code() == ErrorCode.INVALID_STATE)) {
            stats.count(PeakStats.Count.ACCEPT_TOO_LATE);
        } else {
            stats.error("agent: error " + error.code());
        }
    }

    private void hangUp(BenchConnection c, String callId) {
        if (callId.equals(talking)) {
            c.send(new ClientMessage.CallHangup(null, callId, null));
        }
    }

    @Override
    public void onClosed(BenchConnection c, boolean expected) {
        if (!expected) {
            stats.error("agent: connection lost");
        }
    }
}
