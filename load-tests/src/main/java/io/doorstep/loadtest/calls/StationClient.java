package io.doorstep.loadtest.calls;

import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.ConnectionListener;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ServerMessage;

/**
 * A station: places one call when the load hands it an arrival, times what it sees against the call's intended
 * request time, and goes back to the idle pool when the call ends. Its call state lives on its event loop.
 */
final class StationClient implements ConnectionListener {
    private final CallStats stats;
    private final OfferMatcher offers;
    private final IdlePool<StationClient> idle;
    private final int node;
    private volatile BenchConnection connection;
    private int requestCount;
    private String requestId;
    private String callId;
    private long intendedNanos;

    /** {@code node}: the index of the node it connects to. */
    StationClient(CallStats stats, OfferMatcher offers, IdlePool<StationClient> idle, int node) {
        this.stats = stats;
        this.offers = offers;
        this.idle = idle;
        this.node = node;
    }

    /** Signed in: ready for calls. */
    void attach(BenchConnection signedIn) {
        connection = signedIn;
        idle.put(this);
    }

    /** Requests a call that was due at {@code intendedNanos}. Called by the pacer with a station it took idle. */
    void request(long intendedNanos, String serviceItem) {
        BenchConnection c = connection;
        c.execute(() -> {
            this.intendedNanos = intendedNanos;
            requestId = "r" + (++requestCount);
            callId = null;
            stats.sent(System.nanoTime() - intendedNanos);
            c.send(new ClientMessage.CallRequest(requestId, serviceItem, false));
        });
    }

    @Override
    public void onMessage(BenchConnection c, ServerMessage message, long arrivedNanos) {
        if (message instanceof ServerMessage.CallQueued queued) {
            if (callId == null && requestId != null && requestId.equals(queued.re())) {
                callId = queued.callId();
                stats.queued(arrivedNanos - intendedNanos);
                offers.requested(callId, intendedNanos, node);
            }
        } else if (message instanceof ServerMessage.CallConnected connected) {
            if (connected.callId().equals(callId)) {
                stats.connected(arrivedNanos - intendedNanos);
            }
        } else if (message instanceof ServerMessage.CallEnded ended) {
            if (ended.callId().equals(callId)) {
                boolean normally = ended.reason() == EndReason.COMPLETED;
                if (!normally) {
                    stats.error("station: call ended " + ended.reason() + "/" + ended.cause());
                }
                finish(normally);
            }
        } else if (message instanceof ServerMessage.Error error) {
            stats.error("station: error " + error.code());
            if (requestId != null && requestId.equals(error.re())) {
                finish(false);
            }
        }
    }

    private void finish(boolean normally) {
        requestId = null;
        callId = null;
        stats.ended(normally);
        idle.put(this);
    }

    @Override
    public void onHeartbeat(BenchConnection c, long roundTripNanos) {
        stats.heartbeat(roundTripNanos);
    }

    @Override
    public void onClosed(BenchConnection c, boolean expected) {
        if (!expected) {
            stats.error("station: connection lost");
        }
    }
}
