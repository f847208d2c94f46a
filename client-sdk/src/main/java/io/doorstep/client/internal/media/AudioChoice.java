package io.doorstep.client.internal.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which audio a client's calls carry: the machine's microphone and speaker, or the generated tone of WebRTC's
 * headless module. Decided before libwebrtc is asked anything about sound, because on a machine without sound it
 * cannot be asked safely: its ordinary audio module aborts the JVM in a native check (shared/WEBRTC-NOTES.md), and
 * its audio device enumeration ({@code MediaDevices.getAudioCaptureDevices}) never returns (seen here, with neither
 * ALSA devices nor a PulseAudio server).
 *
 * @param devices whether to open the machine's microphone and speaker
 * @param reason  why, for the log
 */
record AudioChoice(boolean devices, String reason) {
    static final AudioChoice FORCED = new AudioChoice(false, "generated audio asked for (ClientOptions.generatedAudio)");
    static final AudioChoice NO_SOUND = new AudioChoice(false, "no sound devices or sound server on this machine");
    static final AudioChoice SOUND = new AudioChoice(true, "sound devices present");

    /** The choice for this machine: {@code /dev/snd} and the process environment. */
    static AudioChoice of(boolean generatedAudio) {
        return generatedAudio ? FORCED : (soundPresent(Path.of("/dev/snd"), System.getenv()) ? SOUND : NO_SOUND);
    }

    /**
     * Whether sound can be had: a PulseAudio (or PipeWire) server named by {@code PULSE_SERVER} or listening at
     * {@code $XDG_RUNTIME_DIR/pulse/native}, or ALSA devices for both capture ({@code pcmC*D*c}) and playback
     * ({@code pcmC*D*p}) in {@code snd}.
     */
    static boolean soundPresent(Path snd, Map<String, String> env) {
        String server = env.get("PULSE_SERVER");
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (server != null && !server.isBlank()
                || runtime != null && !runtime.isBlank() && Files.exists(Path.of(runtime, "pulse", "native"))) {
            return true;
        }
        List<String> pcm = pcmDevices(snd);
        return pcm.stream().anyMatch(n -> n.endsWith("c")) && pcm.stream().anyMatch(n -> n.endsWith("p"));
    }

    private static List<String> pcmDevices(Path snd) {
        if (!Files.isDirectory(snd)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(snd)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("pcmC\\d+D\\d+[cp]")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
