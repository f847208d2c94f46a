package io.doorstep.loadtest.calls;

import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.ConnectionListener;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ServerMessage;
import java.util.concurrent.CompletableFuture;

/**
 * An agent: makes itself available on sign-in, accepts every offer after the answer delay and hangs up after the
 * talk time. It ends any wrap-up at once, so the server's wrap-up setting cannot starve the load of agents.
 */
final class AgentClient implements ConnectionListener {
    private final CallStats stats;
    private final OfferMatcher offers;
    private final long answerDelayNanos;
    private final long talkTimeNanos;
    private final int node;
    private final CompletableFuture<Void> available = new CompletableFuture<>();

    /** {@code node}: the index of the node it connects to. */
    AgentClient(CallStats stats, OfferMatcher offers, long answerDelayNanos, long talkTimeNanos, int node) {
        this.stats = stats;
        this.offers = offers;
        this.answerDelayNanos = answerDelayNanos;
        this.talkTimeNanos = talkTimeNanos;
        this.node = node;
    }

    /** Completes when the server first reports this agent available. */
    CompletableFuture<Void> available() {
        return available;
    }

    @Override
    public void onMessage(BenchConnection c, ServerMessage message, long arrivedNanos) {
        if (message instanceof ServerMessage.Welcome) {
            c.send(new ClientMessage.SetAgentState(null, AgentState.AVAILABLE));
        } else if (message instanceof ServerMessage.AgentStateChanged state) {
            if (state.state() == AgentState.AVAILABLE) {
                available.complete(null);
            } else if (state.state() == AgentState.WRAP_UP) {
                c.send(new ClientMessage.SetAgentState(null, AgentState.AVAILABLE));
            }
        } else if (message instanceof ServerMessage.CallOffer offer) {
            offers.offered(offer.callId(), arrivedNanos, node);
            c.schedule(() -> c.send(new ClientMessage.CallAccept(null, offer.callId())), answerDelayNanos);
        } else if (message instanceof ServerMessage.CallConnected connected) {
            c.schedule(() -> c.send(new ClientMessage.CallHangup(null, connected.callId(), null)), talkTimeNanos);
        } else if (message instanceof ServerMessage.OfferWithdrawn withdrawn) {
            stats.error("agent: offer withdrawn " + withdrawn.cause());
        } else if (message instanceof ServerMessage.Error error) {
            stats.error("agent: error " + error.code());
        }
    }

    @Override
    public void onHeartbeat(BenchConnection c, long roundTripNanos) {
        stats.heartbeat(roundTripNanos);
    }

    @Override
    public void onClosed(BenchConnection c, boolean expected) {
        if (!expected) {
            stats.error("agent: connection lost");
        }
    }
}
