package io.doorstep.client.internal.media;

import dev.onvoid.webrtc.media.audio.AudioSource;

/**
 * The audio the headless audio module pulls every 10 ms for the microphone side: a quiet 440 Hz tone, so calls
 * carry real Opus packets on machines without audio hardware (silence would be suppressed and prove nothing).
 * Called on the audio module's own thread only.
 */
final class Tone implements AudioSource {
    private static final double FREQUENCY = 440;
    private static final double AMPLITUDE = 0.05 * Short.MAX_VALUE;
    private double phase;

    @Override
    public int onPlaybackData(byte[] samples, int frames, int bytesPerSample, int channels, int sampleRate) {
        double step = 2 * Math.PI * FREQUENCY / sampleRate;
        int i = 0;
        for (int f = 0; f < frames; f++) {
            short s = (short) (Math.sin(phase) * AMPLITUDE);
            phase += step;
            for (int c = 0; c < channels && i + 1 < samples.length; c++) {
                samples[i++] = (byte) s; // s16le
                samples[i++] = (byte) (s >> 8);
            }
        }
        if (phase > 2 * Math.PI) {
            phase -= 2 * Math.PI * Math.floor(phase / (2 * Math.PI));
        }
        return frames;
    }
}
