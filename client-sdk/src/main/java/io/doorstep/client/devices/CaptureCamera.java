package io.doorstep.client.devices;

import io.doorstep.client.media.CameraFeed;
import io.doorstep.protocol.Devices;
import java.util.List;

/**
 * The kit's webcam as a device whose health is reported: ready while the capture device is plugged in, absent when
 * it is not. Its video goes into calls as a {@link CameraFeed} (WebRTC's own capture support).
 */
public final class CaptureCamera implements Device {
    /** What an absent camera tells operators (in {@code device.status}). */
    public static final String NO_CAMERA = "no video capture device found";

    private final CameraFeed.Camera camera;

    public CaptureCamera(CameraFeed.Camera camera) {
        this.camera = camera;
    }

    /**
     * The first capture device the machine has, or, when it has none (a headless box, the webcam unplugged), a camera
     * that reports itself {@code absent} ({@link #NO_CAMERA}), so operators see the fault while calls go on with
     * whatever video feed the application chose instead ({@link CameraFeed#openFirstOr}).
     */
    public static CaptureCamera first() {
        List<CameraFeed.Camera> cameras = CameraFeed.cameras();
        return new CaptureCamera(cameras.isEmpty() ? null : cameras.get(0));
    }

    @Override
    public Devices.Kind kind() {
        return Devices.Kind.CAMERA;
    }

    @Override
    public Devices.Health health() {
        if (camera == null) {
            return new Devices.Health(kind(), Devices.State.ABSENT, null, NO_CAMERA);
        }
        String model = camera.name().length() <= 64 ? camera.name() : camera.name().substring(0, 64);
        try {
            boolean present = CameraFeed.cameras().stream().anyMatch(c -> c.id().equals(camera.id()));
            return new Devices.Health(kind(), present ? Devices.State.READY : Devices.State.ABSENT, model,
                    present ? null : NO_CAMERA);
        } catch (RuntimeException | LinkageError e) {
            return new Devices.Health(kind(), Devices.State.ERROR, model, "cannot list capture devices");
        }
    }
}
