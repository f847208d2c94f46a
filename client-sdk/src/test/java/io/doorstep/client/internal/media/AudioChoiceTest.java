package io.doorstep.client.internal.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which audio a client gets, decided without asking libwebrtc (which aborts or hangs on a machine without sound), and
 * an engine on this machine, which has no sound at all: it falls back to the generated tone and the JVM lives on.
 */
class AudioChoiceTest {
    @TempDir
    Path dir;

    @Test
    void aSoundServerOrAlsaCaptureAndPlaybackMeanSound() throws IOException {
        Path snd = Files.createDirectories(dir.resolve("snd"));
        assertThat(AudioChoice.soundPresent(dir.resolve("missing"), Map.of())).isFalse();
        assertThat(AudioChoice.soundPresent(snd, Map.of())).as("empty /dev/snd").isFalse();
        Files.createFile(snd.resolve("controlC0"));
        Files.createFile(snd.resolve("pcmC0D0p"));
        assertThat(AudioChoice.soundPresent(snd, Map.of())).as("a speaker, no microphone").isFalse();
        Files.createFile(snd.resolve("pcmC0D0c"));
        assertThat(AudioChoice.soundPresent(snd, Map.of())).isTrue();

        Path empty = Files.createDirectories(dir.resolve("none"));
        assertThat(AudioChoice.soundPresent(empty, Map.of("PULSE_SERVER", "unix:/run/pulse/native"))).isTrue();
        assertThat(AudioChoice.soundPresent(empty, Map.of("PULSE_SERVER", " "))).isFalse();
        Path runtime = dir.resolve("run-user");
        assertThat(AudioChoice.soundPresent(empty, Map.of("XDG_RUNTIME_DIR", runtime.toString()))).isFalse();
        Files.createDirectories(runtime.resolve("pulse"));
        Files.createFile(runtime.resolve("pulse/native"));
        assertThat(AudioChoice.soundPresent(empty, Map.of("XDG_RUNTIME_DIR", runtime.toString()))).isTrue();
    }

    @Test
    void generatedAudioAskedForWinsOverDevices() {
        assertThat(AudioChoice.of(true)).isEqualTo(AudioChoice.FORCED);
        assertThat(AudioChoice.FORCED.devices()).isFalse();
    }

    @Test
    void thisMachineHasNoSoundAndItsEngineFallsBackToTheGeneratedTone() {
        assertThat(AudioChoice.of(false)).as("no /dev/snd, no PulseAudio here").isEqualTo(AudioChoice.NO_SOUND);
        try (MediaEngine engine = MediaEngine.create(MediaEngine.Config.DEFAULT)) {
            assertThat(engine.audioDevices()).isFalse();
        }
    }
}
