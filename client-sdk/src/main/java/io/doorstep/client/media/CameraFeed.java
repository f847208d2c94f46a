package io.doorstep.client.media;

import dev.onvoid.webrtc.media.MediaDevices;
import dev.onvoid.webrtc.media.video.VideoCaptureCapability;
import dev.onvoid.webrtc.media.video.VideoDevice;
import dev.onvoid.webrtc.media.video.VideoDeviceSource;
import dev.onvoid.webrtc.media.video.VideoTrackSource;
import io.doorstep.client.internal.media.NativeVideoFeed;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video capture device (a webcam, or the document camera's live view) through WebRTC's own capture support, so
 * frames go from the device to the encoder without passing through Java. {@link #cameras()} lists what the machine
 * has; a headless machine has none, and uses a {@link TestPatternFeed} instead.
 */
public final class CameraFeed implements VideoFeed, NativeVideoFeed {
    private static final Logger log = LoggerFactory.getLogger(CameraFeed.class);
    private final Camera camera;
    private final VideoDeviceSource source;
    private boolean capturing;
    private boolean closed;

    /** A capture device: its name for people and the id the system knows it by. */
    public record Camera(String name, String id) {
    }

    private CameraFeed(Camera camera, VideoDeviceSource source) {
        this.camera = camera;
        this.source = source;
    }

    /** The capture devices present now; empty when there are none or the platform cannot list them. */
    public static List<Camera> cameras() {
        return devices().stream().map(d -> new Camera(d.getName(), d.getDescriptor())).toList();
    }

    /**
     * The first camera, opened as {@link #open} does, or {@code otherwise} (a {@link TestPatternFeed}, say) when the
     * machine has none or the first cannot be opened: a station without a webcam still makes calls.
     */
    public static VideoFeed openFirstOr(int width, int height, int fps, Supplier<? extends VideoFeed> otherwise) {
        List<Camera> cameras = cameras();
        if (!cameras.isEmpty()) {
            try {
                return open(cameras.get(0), width, height, fps);
            } catch (RuntimeException e) {
                log.warn("the camera cannot be opened, using the fallback feed: {}", e.toString());
            }
        } else {
            log.info("no camera: using the fallback feed");
        }
        return otherwise.get();
    }

    /** Opens a camera for {@code width} x {@code height} at {@code fps} (the device picks its nearest mode). */
    public static CameraFeed open(Camera camera, int width, int height, int fps) {
        VideoDevice device = devices().stream().filter(d -> d.getDescriptor().equals(camera.id())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such camera: " + camera.name()));
        VideoDeviceSource source = new VideoDeviceSource();
        source.setVideoCaptureDevice(device);
        source.setVideoCaptureCapability(new VideoCaptureCapability(width, height, fps));
        return new CameraFeed(camera, source);
    }

    public Camera camera() {
        return camera;
    }

    /** Starts capturing; frames reach the call natively, so {@code sink} is not used. */
    @Override
    public synchronized void start(VideoSink sink) {
        if (!capturing && !closed) {
            source.start();
            capturing = true;
        }
    }

    @Override
    public synchronized void stop() {
        if (capturing) {
            source.stop();
            capturing = false;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        if (!closed) {
            closed = true;
            source.dispose();
        }
    }

    @Override
    public VideoTrackSource nativeSource() {
        return source;
    }

    private static List<VideoDevice> devices() {
        try {
            return MediaDevices.getVideoCaptureDevices();
        } catch (RuntimeException | LinkageError e) {
            return List.of(); // no video subsystem here, or WebRTC's native library could not be loaded
        }
    }
}
