package io.doorstep.client.internal.call;

import io.doorstep.client.internal.media.MediaSession;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.I420Picture;
import io.doorstep.protocol.Media;
import java.util.List;

/**
 * The media of one call, as the signalling half of the client drives it: the seam to the WebRTC engine. The
 * engine's session offers exactly these operations; without media (signalling-only clients, tests) nothing flows.
 */
public interface CallMedia extends AutoCloseable {
    /** The station (initiator) creates the offer; the agent waits for it. */
    void start(boolean initiator);

    void remoteDescription(String type, String sdp);

    void remoteCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment);

    /** A new offer with fresh ICE credentials (initiator only). */
    void restartIce();

    /** The call moved to another relay: gather with these ICE servers from the next ICE restart on. */
    void useIceServers(List<Media.IceServer> iceServers);

    @Override
    void close();

    /** What the engine tells the client, on its own threads. */
    interface Events {
        default void state(String iceConnectionState) {
        }

        default void stats(CallStats stats) {
        }

        default void remoteVideo(int width, int height, long timestampNanos) {
        }

        default boolean wantsRemotePictures() {
            return false;
        }

        default void remotePicture(I420Picture picture) {
        }

        default void failed(String reason) {
        }
    }

    /** Opens the media of a call. */
    interface Factory extends AutoCloseable {
        CallMedia open(List<Media.IceServer> iceServers, boolean relayOnly, MediaSession.Signaller out, Events events);

        @Override
        default void close() {
        }
    }

    /** No media: the call's signalling, documents and devices work, no audio or video flows. */
    Factory NONE = (servers, relayOnly, out, events) -> new CallMedia() {
        @Override
        public void start(boolean initiator) {
        }

        @Override
        public void remoteDescription(String type, String sdp) {
        }

        @Override
        public void remoteCandidate(String candidate, String sdpMid, Integer index, String ufrag) {
        }

        @Override
        public void restartIce() {
        }

        @Override
        public void useIceServers(List<Media.IceServer> iceServers) {
        }

        @Override
        public void close() {
        }
    };
}
