package io.doorstep.client.devices;

import io.doorstep.client.media.CameraFeed;
import io.doorstep.protocol.Devices;

/**
 * The kit's webcam as a device whose health is reported: ready while the capture device is plugged in, absent when
 * it is not. Its video goes into calls as a {@link CameraFeed} (WebRTC's own capture support).
 */
public final class CaptureCamera implements Device {
    private final CameraFeed.Camera camera;

    public CaptureCamera(CameraFeed.Camera camera) {
        this.camera = camera;
    }

    @Override
    public Devices.Kind kind() {
        return Devices.Kind.CAMERA;
    }

    @Override
    public Devices.Health health() {
        String model = camera.name().length() <= 64 ? camera.name() : camera.name().substring(0, 64);
        try {
            boolean present = CameraFeed.cameras().stream().anyMatch(c -> c.id().equals(camera.id()));
            return new Devices.Health(kind(), present ? Devices.State.READY : Devices.State.ABSENT, model, null);
        } catch (RuntimeException | LinkageError e) {
            return new Devices.Health(kind(), Devices.State.ERROR, model, "cannot list capture devices");
        }
    }
}
