package io.doorstep.loadtest.client;

import io.doorstep.protocol.ServerMessage;

/** What a {@link BenchConnection} hears. Called on the connection's event loop thread. */
public interface ConnectionListener {

    /**
     * A server message, with the {@link System#nanoTime()} at which its frame was read (before decoding, so decoding
     * cost is not counted as server latency).
     */
    void onMessage(BenchConnection connection, ServerMessage message, long arrivedNanos);

    /**
     * A heartbeat round trip: from sending a ping to its pong. It takes the same path through the server as a call
     * request (I/O thread, switchboard thread, back), without the call logic: a baseline for the call latencies.
     */
    default void onHeartbeat(BenchConnection connection, long roundTripNanos) {
    }

    /** The connection closed; {@code expected} when the bench signed it out itself. */
    default void onClosed(BenchConnection connection, boolean expected) {
    }
}
