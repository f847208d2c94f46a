package io.doorstep.client.internal.media;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.doorstep.client.ClientOptions;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per client: WebRTC's peer connection factory, its audio module and the media thread. Owns the sessions it
 * opened and closes them first when it closes.
 *
 * <p>The audio module is the platform's (the machine's default microphone and speaker) where sound devices exist and
 * the options allow it, otherwise WebRTC's headless one, which pulls a generated tone as the microphone and discards
 * what it plays out. The choice is made before libwebrtc touches sound ({@link AudioChoice}): without sound hardware
 * its ordinary module aborts the JVM, so the factory is never built without an explicit module.
 *
 * <p>Everything a session does runs on the one media thread, so session state needs no locks; WebRTC's callbacks
 * come on its own native threads and only hand work over to it.
 */
public final class MediaEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaEngine.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    private final AudioDeviceModuleBase audio;
    private final boolean audioDevices;
    private final PeerConnectionFactory factory;
    private final Config config;
    private final ScheduledExecutorService thread;
    private final Thread mediaThread;
    private final Set<MediaSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * How the engine's sessions behave.
     *
     * @param insecureTurnTls accept any certificate from a {@code turns:} relay (a development relay's self-signed
     *                        one): libwebrtc checks TURN/TLS certificates against its own built-in CA roots, not the
     *                        system's or Java's, so nothing else can make it trust a private certificate
     * @param generatedAudio  the generated tone and no speaker, even where sound devices exist
     */
    public record Config(boolean insecureTurnTls, boolean generatedAudio) {
        public static final Config DEFAULT = new Config(false, false);

        public static Config of(ClientOptions options) {
            return new Config(options.insecureTurnTls(), options.generatedAudio());
        }
    }

    private MediaEngine(AudioDeviceModuleBase audio, boolean audioDevices, PeerConnectionFactory factory,
                        Config config, ScheduledExecutorService thread, Thread mediaThread) {
        this.audio = audio;
        this.audioDevices = audioDevices;
        this.factory = factory;
        this.config = config;
        this.thread = thread;
        this.mediaThread = mediaThread;
    }

    /** {@link #create(Config)} with {@link Config#DEFAULT}. */
    public static MediaEngine create() {
        return create(Config.DEFAULT);
    }

    /** Loads the native library (unpacked into java.io.tmpdir on first use) and starts the audio module. */
    public static MediaEngine create(Config config) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "doorstep-media");
            t.setDaemon(true);
            return t;
        });
        try {
            AudioChoice choice = AudioChoice.of(config.generatedAudio());
            return call(thread, () -> {
                AudioDeviceModuleBase devices = choice.devices() ? platformAudio() : null;
                HeadlessAudioDeviceModule headless = devices == null ? new HeadlessAudioDeviceModule() : null;
                AudioDeviceModuleBase audio = devices != null ? devices : headless;
                PeerConnectionFactory factory = new PeerConnectionFactory(audio);
                // Without these calls the module pulls no audio and no audio packets are sent.
                audio.initPlayout();
                audio.startPlayout();
                audio.initRecording();
                audio.startRecording();
                if (headless != null) {
                    headless.setAudioSource(new Tone());
                }
                log.info("media engine started audio={} ({})", devices != null ? "devices" : "generated",
                        devices == null && choice.devices() ? "no microphone or no speaker" : choice.reason());
                return new MediaEngine(audio, devices != null, factory, config, thread, Thread.currentThread());
            });
        } catch (RuntimeException e) {
            thread.shutdownNow();
            if (e.getCause() instanceof LinkageError) {
                throw new IllegalStateException("WebRTC's native library could not be loaded; on Debian it needs "
                        + "libpulse0, libudev1, libx11-6, libxfixes3, libxrandr2, libxcomposite1 and libxext6 "
                        + "(no sound server or display)", e.getCause());
            }
            throw e;
        }
    }

    /**
     * The platform's audio module when it has a microphone and a speaker (its defaults are used), else null. Only
     * called where {@link AudioChoice} found sound: elsewhere constructing it aborts the JVM.
     */
    private static AudioDeviceModuleBase platformAudio() {
        AudioDeviceModule module = new AudioDeviceModule();
        if (module.getRecordingDevices().isEmpty() || module.getPlayoutDevices().isEmpty()) {
            module.dispose();
            return null;
        }
        return module;
    }

    /** Whether calls carry the machine's microphone and speaker (else the generated tone). */
    public boolean audioDevices() {
        return audioDevices;
    }

    PeerConnectionFactory factory() {
        return factory;
    }

    Config config() {
        return config;
    }

    ScheduledExecutorService thread() {
        return thread;
    }

    /** Whether the caller is this engine's media thread (another engine's has the same name). */
    boolean onMediaThread() {
        return Thread.currentThread() == mediaThread;
    }

    void opened(MediaSession session) {
        if (closed) {
            throw new IllegalStateException("the media engine is closed");
        }
        sessions.add(session);
    }

    void closed(MediaSession session) {
        sessions.remove(session);
    }

    /** Runs {@code task} on the media thread and waits for it (never call from the media thread or a callback). */
    <T> T call(Callable<T> task) {
        return onMediaThread() ? callHere(task) : call(thread, task);
    }

    private static <T> T callHere(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T call(ScheduledExecutorService thread, Callable<T> task) {
        try {
            return thread.submit(task).get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the media thread", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the media thread did not answer within " + CLOSE_TIMEOUT_SECONDS + " s");
        }
    }

    /**
     * Closes every session, then the factory, then the audio module, in the order WebRTC needs: disposing them
     * out of order aborts or hangs the JVM (shared/WEBRTC-NOTES.md).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MediaSession s : Set.copyOf(sessions)) {
            s.close();
        }
        call(() -> {
            audio.stopRecording();
            audio.stopPlayout();
            factory.dispose();
            audio.dispose();
            return null;
        });
        thread.shutdown();
        log.info("media engine closed");
    }
}
