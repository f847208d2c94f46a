package io.doorstep.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.doorstep.client.devices.CaptureCamera;
import io.doorstep.protocol.Devices;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The camera on a machine without one (a build machine; no v4l2loopback either, which needs a kernel module): WebRTC's
 * real device enumeration finds nothing and nothing fails; the kit reports the camera absent and the application's
 * fallback feed serves the call. With a camera attached, these tests are skipped.
 */
class CameraFeedTest {
    @BeforeAll
    static void noCameraHere() {
        assumeThat(Files.exists(Path.of("/dev/video0"))).as("a machine without a video device").isFalse();
    }

    @Test
    void enumerationFindsNoCameraAndDoesNotFail() {
        assertThat(CameraFeed.cameras()).isEmpty();
    }

    @Test
    void theKitsCameraReportsItselfAbsentWithAClearReason() {
        Devices.Health health = CaptureCamera.first().health();
        assertThat(health.device()).isEqualTo(Devices.Kind.CAMERA);
        assertThat(health.state()).isEqualTo(Devices.State.ABSENT);
        assertThat(health.detail()).isEqualTo("no video capture device found");
    }

    @Test
    void theFallbackFeedIsUsedWhenThereIsNoCamera() {
        try (TestPatternFeed fallback = new TestPatternFeed(320, 240, 15)) {
            assertThat(CameraFeed.openFirstOr(1280, 720, 30, () -> fallback)).isSameAs(fallback);
        }
    }

    @Test
    void openingACameraThatIsNotThereIsAClearError() {
        assertThatThrownBy(() -> CameraFeed.open(new CameraFeed.Camera("USB camera", "/dev/video7"), 640, 480, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no such camera: USB camera");
    }
}
