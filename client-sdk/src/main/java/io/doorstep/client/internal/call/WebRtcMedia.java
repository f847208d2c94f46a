package io.doorstep.client.internal.call;

import io.doorstep.client.ClientOptions;
import io.doorstep.client.internal.media.MediaEngine;
import io.doorstep.client.internal.media.MediaSession;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.I420Picture;
import io.doorstep.client.media.VideoFeed;
import io.doorstep.protocol.Media;
import java.time.Duration;
import java.util.List;

/**
 * Calls' media through WebRTC: one engine per client (created lazily, at the first call, so a client that never
 * gets a call never loads the native library), one media session per call, the application's video feed as the
 * local video.
 */
public final class WebRtcMedia implements CallMedia.Factory {
    private final VideoFeed video;
    private final Duration statsInterval;
    private final MediaEngine.Config config;
    private MediaEngine engine;

    public WebRtcMedia(VideoFeed video, ClientOptions options) {
        this.video = video;
        this.statsInterval = options.statsInterval();
        this.config = MediaEngine.Config.of(options);
    }

    @Override
    public synchronized CallMedia open(List<Media.IceServer> iceServers, boolean relayOnly, MediaSession.Signaller out,
                                       CallMedia.Events events) {
        if (engine == null) {
            engine = MediaEngine.create(config);
        }
        MediaSession session = MediaSession.open(engine, iceServers, relayOnly, video, out,
                new MediaSession.Listener() {
                    @Override
                    public void state(String iceConnectionState) {
                        events.state(iceConnectionState);
                    }

                    @Override
                    public void remoteVideo(int width, int height, long timestampNanos) {
                        events.remoteVideo(width, height, timestampNanos);
                    }

                    @Override
                    public boolean wantsRemotePictures() {
                        return events.wantsRemotePictures();
                    }

                    @Override
                    public void remotePicture(I420Picture picture) {
                        events.remotePicture(picture);
                    }

                    @Override
                    public void stats(CallStats s) {
                        events.stats(s);
                    }

                    @Override
                    public void failed(String reason) {
                        events.failed(reason);
                    }
                }, statsInterval);
        return new CallMedia() {
            @Override
            public void start(boolean initiator) {
                session.start(initiator);
            }

            @Override
            public void remoteDescription(String type, String sdp) {
                session.remoteDescription(type, sdp);
            }

            @Override
            public void remoteCandidate(String candidate, String sdpMid, Integer index, String ufrag) {
                session.remoteCandidate(candidate, sdpMid, index, ufrag);
            }

            @Override
            public void restartIce() {
                session.restartIce();
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
