package io.doorstep.client.media;

/**
 * A video feed the application pushes frames into, e.g. from its own camera pipeline. Frames pushed while no call
 * uses the feed are dropped. Thread-safe.
 */
public final class FrameFeed implements VideoFeed {
    private volatile VideoSink sink = VideoSink.NONE;

    @Override
    public void start(VideoSink sink) {
        this.sink = sink;
    }

    @Override
    public void stop() {
        sink = VideoSink.NONE;
    }

    /** Pushes one I420 frame; returns false when no call takes it (the frame was dropped). */
    public boolean push(int width, int height, long timestampNanos, VideoSink.I420Writer writer) {
        VideoSink s = sink;
        if (s == VideoSink.NONE) {
            return false;
        }
        s.frame(width, height, timestampNanos, writer);
        return true;
    }
}
