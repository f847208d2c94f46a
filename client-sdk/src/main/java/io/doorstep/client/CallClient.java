package io.doorstep.client;

import io.doorstep.client.internal.ClientCore;
import io.doorstep.client.internal.call.CallMedia;
import io.doorstep.client.media.CallStats;
import io.doorstep.protocol.ServerMessage;
import java.util.concurrent.CompletableFuture;

/**
 * What a station and an agent client share: the core, the current call's id, hanging up, the call's stats and
 * closing. Package-private: the public types are {@link StationClient} and {@link AgentClient}, which inherit these
 * methods as their own.
 */
abstract sealed class CallClient implements AutoCloseable permits StationClient, AgentClient {
    final ClientCore core;
    private volatile String callId;

    CallClient(ClientOptions options, String name, CallMedia.Factory media, CallListener listener) {
        this.core = new ClientCore(options, name, media, listener);
    }

    /** Connects; {@code role} sees every message after the call id has followed it. */
    final void start(ClientCore.Role role) {
        core.start(new ClientCore.Role() {
            @Override
            public void message(ServerMessage m) {
                follow(m);
                role.message(m);
            }

            @Override
            public void welcome(ServerMessage.Welcome w, boolean fresh) {
                role.welcome(w, fresh);
            }
        });
    }

    private void follow(ServerMessage m) {
        if (m instanceof ServerMessage.CallQueued q) { // stations only
            callId = q.callId();
        } else if (m instanceof ServerMessage.CallConnected c) {
            callId = c.callId();
        } else if (m instanceof ServerMessage.CallEnded e && e.callId().equals(callId)) {
            callId = null;
            callEnded();
        }
    }

    /** The current call ended (on the event thread, before the role hears {@code call.ended}). */
    void callEnded() {
    }

    /** Ends the call (a station's call not answered yet is cancelled). */
    public CompletableFuture<ServerMessage.CallEnded> hangUp() {
        return hangUp(null);
    }

    /**
     * Ends the call with a reason: {@link io.doorstep.protocol.ClientMessage.CallHangup#MEDIA_FAILED} records it as
     * failed (the media could not be set up or broke for good); anything else as completed.
     */
    public CompletableFuture<ServerMessage.CallEnded> hangUp(String reason) {
        return core.hangUp(callId, reason);
    }

    /** The latest media quality sample of the connected call (null before the first, or without a call). */
    public CallStats stats() {
        return core.lastStats();
    }

    /** The current call's id (a station's also while it waits in the queue), or null. */
    public String callId() {
        return callId;
    }

    /** Signs out (a call in progress ends) and stops. */
    @Override
    public void close() {
        core.close();
    }
}
