package io.doorstep.client;

import io.doorstep.client.documents.Document;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.I420Picture;
import io.doorstep.protocol.ServerMessage;

/** What happens to the call, for station and agent alike. Every method has a no-op default. */
public interface CallListener extends ConnectionListener {
    /** The call is answered: media is being set up (again, after a fresh sign-in during the call). */
    default void connected(ServerMessage.CallConnected call) {
    }

    /** The call is over, however it ended. */
    default void ended(ServerMessage.CallEnded end) {
    }

    /** The other party's connection dropped; it has {@code graceMs} to come back. Keep the call up. */
    default void peerReconnecting(String callId, long graceMs) {
    }

    /** The other party is back; the media is renegotiated by the SDK. */
    default void peerReconnected(String callId) {
    }

    /** A document of the call appeared or changed (progress, completed, abandoned, deleted). */
    default void document(Document document) {
    }

    /** A periodic sample of the call's media quality (also reported to the server for operators). */
    default void stats(String callId, CallStats stats) {
    }

    /**
     * A decoded frame of the peer's video (the latest, when the application falls behind). The one callback on the
     * media thread rather than the event thread: it must not block.
     */
    default void remoteVideo(String callId, int width, int height, long timestampNanos) {
    }

    /** Whether to get the peer's pixels too ({@link #remotePicture}); asked once per call; each frame costs a copy. */
    default boolean wantsRemotePictures() {
        return false;
    }

    /** The pixels of the frame just announced by {@link #remoteVideo} (I420), on the media thread. Must not block. */
    default void remotePicture(String callId, I420Picture picture) {
    }

    /**
     * The media broke (ICE failed, a description was refused). The station restarts ICE by itself; if the media does
     * not come back, end the call with {@code hangUp(ClientMessage.CallHangup.MEDIA_FAILED)} so it is recorded as
     * failed.
     */
    default void mediaFailed(String callId, String reason) {
    }

    /** The media's ICE connection state ({@code checking}, {@code connected}, {@code disconnected} ...). */
    default void mediaState(String callId, String iceConnectionState) {
    }
}
