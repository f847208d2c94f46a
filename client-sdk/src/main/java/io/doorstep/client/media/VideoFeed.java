package io.doorstep.client.media;

/**
 * A local video source for calls: frames the application pushes ({@link FrameFeed}), a generated test pattern
 * ({@link TestPatternFeed}) or a capture device ({@link CameraFeed}).
 *
 * <p>The SDK calls {@link #start} when a call's media starts and {@link #stop} when it ends; a feed may serve one
 * call after another. The application owns the feed and closes it when it no longer needs it.
 */
public interface VideoFeed extends AutoCloseable {

    /** Starts delivering frames to {@code sink}, from any thread, until {@link #stop}. */
    void start(VideoSink sink);

    /** Stops delivering frames; {@link #start} may follow for the next call. */
    void stop();

    /** Stops the feed and frees what it holds. */
    @Override
    default void close() {
        stop();
    }
}
