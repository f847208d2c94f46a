package io.doorstep.client.internal.media;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionIceErrorEvent;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.TlsCertPolicy;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import dev.onvoid.webrtc.media.video.VideoTrackSource;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.I420Picture;
import io.doorstep.client.media.VideoFeed;
import io.doorstep.client.media.VideoSink;
import io.doorstep.protocol.Media.IceServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of one call: a WebRTC peer connection carrying local audio (the engine's microphone or generated tone)
 * and video (a {@link VideoFeed}) out, and the peer's audio and video in. SDP and ICE go out through a
 * {@link Signaller} and come back through {@link #remoteDescription} and {@link #remoteCandidate}; the initiator makes
 * the offers.
 *
 * <p>All state lives on the engine's media thread. The public methods hand their work to it and return at once
 * (except {@link #close}, which waits for the teardown); WebRTC's callbacks arrive on native threads and do nothing
 * but hand over, so nothing ever blocks a WebRTC thread. {@link Listener} and {@link Signaller} are called on the
 * media thread and must not block it either.
 */
public final class MediaSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaSession.class);
    private static final List<String> STREAM = List.of("doorstep");
    /** How long WebRTC may take to apply a description before it counts as refused (it takes milliseconds). */
    static final Duration DESCRIPTION_TIMEOUT = Duration.ofSeconds(5);

    /** Where the session's SDP and ICE candidates go: to the peer, through signalling. */
    public interface Signaller {
        /** A local description for the peer: {@code type} offer or answer. */
        void description(String type, String sdp);

        /** A local ICE candidate for the peer (the {@code RTCIceCandidateInit} fields). */
        void candidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment);
    }

    /** What the session tells the SDK; every method has a no-op default. Called on the media thread. */
    public interface Listener {
        /** The ICE connection state changed: new, checking, connected, completed, failed, disconnected, closed. */
        default void state(String iceConnectionState) {
        }

        /** A frame of the peer's video (the latest one, when the listener falls behind). */
        default void remoteVideo(int width, int height, long timestampNanos) {
        }

        /** Whether to copy the peer's frames out for {@link #remotePicture}; asked once, when the session opens. */
        default boolean wantsRemotePictures() {
            return false;
        }

        /** The pixels of the frame just announced by {@link #remoteVideo}, when {@link #wantsRemotePictures()}. */
        default void remotePicture(I420Picture picture) {
        }

        /** A periodic sample of the call's quality. */
        default void stats(CallStats s) {
        }

        /**
         * An ICE server could not be used (the W3C icecandidateerror): {@code code} 701 when it could not be reached,
         * also for a {@code turns:} relay whose certificate WebRTC does not trust. Others may still work.
         */
        default void iceServerError(String url, int code, String reason) {
        }

        /** Media cannot go on without help: ICE failed (restart it) or a description was refused. */
        default void failed(String reason) {
        }
    }

    private final MediaEngine engine;
    private final VideoFeed local;
    private final Signaller out;
    private final Listener listener;
    private final StatsSampler sampler = new StatsSampler();
    private final List<RTCIceCandidate> pendingCandidates = new ArrayList<>();
    private final AtomicReference<RemoteFrame> latestFrame = new AtomicReference<>();
    private final AtomicLong remoteFrames = new AtomicLong();
    private final Object pushLock = new Object();
    private final boolean pictures;
    private RTCPeerConnection pc;
    private CustomVideoSource pushedSource;
    private AudioTrack audioTrack;
    private VideoTrack videoTrack;
    private RTCRtpSender audioSender;
    private RTCRtpSender videoSender;
    private VideoTrack remoteVideo;
    private VideoTrackSink remoteSink;
    private ScheduledFuture<?> statsTimer;
    private volatile boolean initiator;
    private boolean remoteDescriptionSet;
    private boolean restartWanted;
    /** An offer is being created, sent or awaits its answer: the signalling state says STABLE until it is applied. */
    private boolean offerInFlight;
    private volatile boolean closed;
    private volatile CallStats lastStats;

    /** A frame for the listener: its size and time, and its pixels when the listener wants them. */
    private record RemoteFrame(int width, int height, long timestampNanos, I420Picture picture) {
    }

    private MediaSession(MediaEngine engine, VideoFeed local, Signaller out, Listener listener) {
        this.engine = engine;
        this.local = local;
        this.out = out;
        this.listener = listener;
        this.pictures = listener.wantsRemotePictures();
    }

    /**
     * Opens the media of a call: a peer connection with {@code iceServers} (the TURN credentials signalling handed
     * out), relay candidates only when {@code relayOnly}, local audio and {@code local} video attached, and stats
     * every {@code statsInterval}. Nothing is sent until {@link #start}.
     */
    public static MediaSession open(MediaEngine engine, List<IceServer> iceServers, boolean relayOnly,
                                    VideoFeed local, Signaller out, Listener listener, Duration statsInterval) {
        if (statsInterval.isNegative() || statsInterval.isZero()) {
            throw new IllegalArgumentException("statsInterval must be positive");
        }
        MediaSession session = new MediaSession(engine, local, out, listener);
        return engine.call(() -> {
            engine.opened(session);
            try {
                session.build(iceServers, relayOnly, statsInterval);
            } catch (RuntimeException e) {
                session.teardown();
                throw e;
            }
            return session;
        });
    }

    private void build(List<IceServer> iceServers, boolean relayOnly, Duration statsInterval) {
        PeerConnectionFactory factory = engine.factory();
        pc = factory.createPeerConnection(configuration(iceServers, relayOnly, engine.config()), new Observer());
        if (pc == null) {
            throw new IllegalStateException("WebRTC refused the peer connection configuration");
        }
        audioTrack = factory.createAudioTrack("audio", factory.createAudioSource(new AudioOptions()));
        VideoTrackSource videoSource = local instanceof NativeVideoFeed n ? n.nativeSource()
                : (pushedSource = new CustomVideoSource());
        videoTrack = factory.createVideoTrack("video", videoSource);
        audioSender = pc.addTrack(audioTrack, STREAM);
        videoSender = pc.addTrack(videoTrack, STREAM);
        local.start(pushedSource == null ? VideoSink.NONE : this::pushFrame);
        long ms = statsInterval.toMillis();
        statsTimer = engine.thread().scheduleAtFixedRate(this::pollStats, ms, ms, TimeUnit.MILLISECONDS);
        log.info("media session opened relay_only={} ice_servers={}", relayOnly, iceServers.size());
    }

    private static RTCConfiguration configuration(List<IceServer> iceServers, boolean relayOnly,
                                                  MediaEngine.Config engineConfig) {
        RTCConfiguration config = new RTCConfiguration();
        config.iceServers.addAll(rtcIceServers(iceServers, engineConfig));
        config.iceTransportPolicy = relayOnly ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
        // One transport for audio and video: one TURN allocation per party instead of two.
        config.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
        return config;
    }

    private static List<RTCIceServer> rtcIceServers(List<IceServer> iceServers, MediaEngine.Config engineConfig) {
        List<RTCIceServer> servers = new ArrayList<>(iceServers.size());
        for (IceServer s : iceServers) {
            RTCIceServer server = new RTCIceServer();
            server.urls.addAll(s.urls());
            server.username = s.username();
            server.password = s.credential();
            server.tlsCertPolicy = engineConfig.insecureTurnTls() ? TlsCertPolicy.INSECURE_NO_CHECK
                    : TlsCertPolicy.SECURE;
            servers.add(server);
        }
        return servers;
    }

    /**
     * The call moved to another relay: from now on candidates are gathered with {@code iceServers}. Takes effect at
     * the next ICE restart, which the caller asks for.
     */
    public void useIceServers(List<IceServer> iceServers) {
        onMediaThread(() -> {
            RTCConfiguration config = pc.getConfiguration();
            config.iceServers.clear();
            config.iceServers.addAll(rtcIceServers(iceServers, engine.config()));
            pc.setConfiguration(config);
            log.info("media session ice servers replaced ice_servers={}", iceServers.size());
        });
    }

    /** Starts negotiating: the initiator (the station) creates the offer; the other side waits for it. */
    public void start(boolean initiator) {
        onMediaThread(() -> {
            this.initiator = initiator;
            if (initiator) {
                offer(false);
            }
        });
    }

    /** The peer's offer or answer. An offer is answered. */
    public void remoteDescription(String type, String sdp) {
        RTCSdpType sdpType = sdpType(type);
        onMediaThread(() -> {
            // Candidates that come after a new description belong to it: hold them until it is applied.
            remoteDescriptionSet = false;
            pc.setRemoteDescription(new RTCSessionDescription(sdpType, sdp), new SetObserver("remote " + type,
                    () -> remoteApplied(sdpType)));
        });
    }

    /** A candidate of the peer; an empty {@code candidate} (end of candidates) is ignored. */
    public void remoteCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
        if (candidate == null || candidate.isBlank()) {
            return;
        }
        RTCIceCandidate c = new RTCIceCandidate(sdpMid, sdpMLineIndex == null ? 0 : sdpMLineIndex, candidate);
        onMediaThread(() -> {
            if (remoteDescriptionSet) {
                pc.addIceCandidate(c);
            } else {
                pendingCandidates.add(c);
            }
        });
    }

    /**
     * Sends a new offer with fresh ICE credentials, so both sides gather and check candidates again: after a
     * network change, or when the peer reconnected to signalling. While an offer is still unanswered, the restart
     * follows its answer. Either side may call it; the SDK has the initiator do it, so two offers never cross.
     */
    public void restartIce() {
        onMediaThread(() -> {
            if (pc.getSignalingState() == RTCSignalingState.STABLE && !offerInFlight) {
                offer(true);
            } else {
                restartWanted = true;
            }
        });
    }

    /** The latest quality sample, or null before the first. */
    public CallStats lastStats() {
        return lastStats;
    }

    /** Frames of the peer's video received so far. */
    public long remoteFrames() {
        return remoteFrames.get();
    }

    public boolean initiator() {
        return initiator;
    }

    /** Ends the call's media and waits until WebRTC has let go of it. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        engine.call(() -> {
            teardown();
            return null;
        });
    }

    // ------------------------------------------------------------------ negotiation, on the media thread

    private void offer(boolean iceRestart) {
        offerInFlight = true;
        RTCOfferOptions options = new RTCOfferOptions();
        options.iceRestart = iceRestart;
        pc.createOffer(options, new CreateObserver("offer"));
        if (iceRestart) {
            log.info("ice restart offered");
        }
    }

    private void remoteApplied(RTCSdpType type) {
        remoteDescriptionSet = true;
        for (RTCIceCandidate c : pendingCandidates) {
            pc.addIceCandidate(c);
        }
        pendingCandidates.clear();
        if (type == RTCSdpType.OFFER) {
            pc.createAnswer(new RTCAnswerOptions(), new CreateObserver("answer"));
        } else if (type == RTCSdpType.ANSWER) {
            offerInFlight = false;
            if (restartWanted) {
                restartWanted = false;
                offer(true);
            }
        }
    }

    /**
     * A local description is sent before it is applied: applying it starts gathering, and every candidate must
     * reach the peer after the description it belongs to.
     */
    private void sendAndApply(RTCSessionDescription description) {
        String type = description.sdpType.name().toLowerCase(Locale.ROOT);
        out.description(type, description.sdp);
        pc.setLocalDescription(description, new SetObserver("local " + type, () -> { }));
    }

    private final class CreateObserver implements CreateSessionDescriptionObserver {
        private final String what;

        CreateObserver(String what) {
            this.what = what;
        }

        @Override
        public void onSuccess(RTCSessionDescription description) {
            onMediaThread(() -> sendAndApply(description));
        }

        @Override
        public void onFailure(String error) {
            onMediaThread(() -> fail("could not create the " + what + ": " + error));
        }
    }

    /**
     * Hears whether a description was applied. webrtc-java 0.14.0 answers neither success nor failure for SDP it
     * cannot parse, which would leave negotiation hanging in silence: without an answer in
     * {@link #DESCRIPTION_TIMEOUT} the description counts as refused. Created and answered on the media thread.
     */
    private final class SetObserver implements SetSessionDescriptionObserver {
        private final String what;
        private final Runnable then;
        private boolean answered;

        SetObserver(String what, Runnable then) {
            this.what = what;
            this.then = then;
            engine.thread().schedule(() -> onMediaThread(this::expire), DESCRIPTION_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void onSuccess() {
            onMediaThread(() -> {
                answered = true;
                then.run();
            });
        }

        @Override
        public void onFailure(String error) {
            onMediaThread(() -> {
                answered = true;
                fail("the " + what + " description was refused: " + error);
            });
        }

        private void expire() {
            if (!answered) {
                answered = true;
                fail("the " + what + " description was refused: WebRTC did not apply it within "
                        + DESCRIPTION_TIMEOUT.toSeconds() + " s (it could not parse it)");
            }
        }
    }

    /** WebRTC's events, on its signalling thread: each is handed to the media thread. */
    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate c) {
            onMediaThread(() -> out.candidate(c.sdp, c.sdpMid, c.sdpMLineIndex, usernameFragment(c.sdp)));
        }

        @Override
        public void onIceConnectionChange(RTCIceConnectionState state) {
            onMediaThread(() -> iceState(state));
        }

        /** A TURN server that could not be used, e.g. 701 for a turns: certificate WebRTC does not trust. */
        @Override
        public void onIceCandidateError(RTCPeerConnectionIceErrorEvent e) {
            onMediaThread(() -> {
                log.warn("ice server unusable url={} code={} reason={}", e.getUrl(), e.getErrorCode(),
                        e.getErrorText());
                MediaSession.this.notify(l -> l.iceServerError(e.getUrl(), e.getErrorCode(), e.getErrorText()));
            });
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            MediaStreamTrack track = transceiver.getReceiver().getTrack();
            if (track instanceof VideoTrack video) {
                onMediaThread(() -> attachRemoteVideo(video));
            }
        }
    }

    private void iceState(RTCIceConnectionState state) {
        String name = state.name().toLowerCase(Locale.ROOT);
        log.info("ice state={}", name);
        notify(l -> l.state(name));
        if (state == RTCIceConnectionState.FAILED) {
            notify(l -> l.failed("ICE failed: no candidate pair works; restart ICE"));
        }
    }

    private void fail(String reason) {
        offerInFlight = false; // the negotiation that failed is over; the next restart offers afresh
        log.warn("media failed reason={}", reason);
        notify(l -> l.failed(reason));
    }

    // ------------------------------------------------------------------ video

    /** From the feed's thread: one frame into the encoder, written straight into a native buffer. */
    private void pushFrame(int width, int height, long timestampNanos, VideoSink.I420Writer writer) {
        synchronized (pushLock) {
            if (pushedSource == null || closed) {
                return;
            }
            NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
            VideoFrame frame = new VideoFrame(buffer, timestampNanos);
            try {
                writer.write(buffer.getDataY(), buffer.getStrideY(), buffer.getDataU(), buffer.getStrideU(),
                        buffer.getDataV(), buffer.getStrideV());
                pushedSource.pushFrame(frame);
            } finally {
                frame.release();
            }
        }
    }

    private void attachRemoteVideo(VideoTrack track) {
        if (remoteVideo != null) {
            return;
        }
        remoteVideo = track;
        remoteSink = this::remoteFrame;
        track.addSink(remoteSink);
    }

    /**
     * On WebRTC's video thread: the frame is a copy made for Java, released here. Only the latest frame is kept for
     * the listener, so a slow listener skips frames instead of queueing them.
     */
    private void remoteFrame(VideoFrame frame) {
        RemoteFrame f;
        try {
            int width = frame.buffer.getWidth();
            int height = frame.buffer.getHeight();
            f = new RemoteFrame(width, height, frame.timestampNs, pictures ? picture(frame) : null);
        } finally {
            frame.release();
        }
        remoteFrames.incrementAndGet();
        if (latestFrame.getAndSet(f) == null) {
            onMediaThread(this::deliverFrame);
        }
    }

    private void deliverFrame() {
        RemoteFrame f = latestFrame.getAndSet(null);
        if (f != null) {
            notify(l -> l.remoteVideo(f.width(), f.height(), f.timestampNanos()));
            if (f.picture() != null) {
                notify(l -> l.remotePicture(f.picture()));
            }
        }
    }

    /** The frame's planes copied into packed arrays, dropping each row's padding. */
    private static I420Picture picture(VideoFrame frame) {
        I420Buffer b = frame.buffer.toI420();
        int w = b.getWidth();
        int h = b.getHeight();
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        return new I420Picture(w, h, frame.timestampNs, plane(b.getDataY(), b.getStrideY(), w, h),
                plane(b.getDataU(), b.getStrideU(), cw, ch), plane(b.getDataV(), b.getStrideV(), cw, ch));
    }

    private static byte[] plane(ByteBuffer data, int stride, int width, int rows) {
        byte[] out = new byte[width * rows];
        for (int r = 0; r < rows; r++) {
            data.get(r * stride, out, r * width, width);
        }
        return out;
    }

    // ------------------------------------------------------------------ stats

    private void pollStats() {
        if (!closed) {
            pc.getStats(report -> onMediaThread(() -> {
                CallStats s = sampler.sample(report);
                lastStats = s;
                notify(l -> l.stats(s));
            }));
        }
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * Runs {@code task} on the media thread unless the session is closed; safe from any thread, never blocks. What
     * the task throws (WebRTC refuses some input by throwing, e.g. SDP it cannot parse) is reported as a failure: the
     * executor would otherwise keep it in a future nobody reads.
     */
    private void onMediaThread(Runnable task) {
        try {
            engine.thread().execute(() -> {
                if (closed) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // the engine has shut down: the session is gone with it
        }
    }

    private void notify(Consumer<Listener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.warn("media listener threw", e);
        }
    }

    /**
     * In the order WebRTC needs (shared/WEBRTC-NOTES.md): stop the feed, detach the senders, close the peer
     * connection, then dispose the tracks and the pushed source. Another order aborted or hung the JVM.
     */
    private void teardown() {
        if (closed) {
            return;
        }
        local.stop();
        synchronized (pushLock) {
            closed = true;
        }
        if (statsTimer != null) {
            statsTimer.cancel(false);
        }
        if (remoteVideo != null) {
            remoteVideo.removeSink(remoteSink);
        }
        if (pc != null) {
            for (RTCRtpSender sender : new RTCRtpSender[] {audioSender, videoSender}) {
                if (sender != null) {
                    pc.removeTrack(sender);
                }
            }
            pc.close();
        }
        if (audioTrack != null) {
            audioTrack.dispose();
        }
        if (videoTrack != null) {
            videoTrack.dispose();
        }
        if (pushedSource != null) {
            pushedSource.dispose();
        }
        engine.closed(this);
        log.info("media session closed remote_frames={}", remoteFrames.get());
    }

    private static RTCSdpType sdpType(String type) {
        return switch (type) {
            case "offer" -> RTCSdpType.OFFER;
            case "answer" -> RTCSdpType.ANSWER;
            case "pranswer" -> RTCSdpType.PR_ANSWER;
            case "rollback" -> RTCSdpType.ROLLBACK;
            default -> throw new IllegalArgumentException("not a description type: " + type);
        };
    }

    /** The {@code ufrag} a candidate line carries, which browsers expect as {@code usernameFragment}. */
    static String usernameFragment(String candidate) {
        String[] words = candidate.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("ufrag")) {
                return words[i + 1];
            }
        }
        return null;
    }
}
