package io.doorstep.client.media;

/**
 * Hears the peer's video. Called on the SDK's media thread, at most one frame at a time: when the application is
 * slower than the video, frames in between are skipped rather than queued. Must not block.
 */
@FunctionalInterface
public interface RemoteVideoListener {

    /** A decoded frame of the peer's video arrived. */
    void frame(int width, int height, long timestampNanos);

    /** Whether to receive the pixels too ({@link #picture}); each delivered frame then costs one copy. */
    default boolean wantsPictures() {
        return false;
    }

    /** The pixels of the frame just announced by {@link #frame}, when {@link #wantsPictures()}. */
    default void picture(I420Picture picture) {
    }
}
