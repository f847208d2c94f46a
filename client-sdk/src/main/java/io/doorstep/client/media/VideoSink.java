package io.doorstep.client.media;

import java.nio.ByteBuffer;

/** Where a {@link VideoFeed} delivers its frames: the SDK's side of a call's local video. */
public interface VideoSink {

    /** A sink that drops every frame. */
    VideoSink NONE = (width, height, timestampNanos, writer) -> { };

    /**
     * Takes one I420 frame of {@code width} x {@code height}: the sink allocates the frame and has {@code writer}
     * fill its planes, so a generated or captured picture is written once, straight into the encoder's buffer.
     * Returns quickly; the sink does not keep {@code writer}.
     */
    void frame(int width, int height, long timestampNanos, I420Writer writer);

    /** Fills the three planes of an I420 frame (U and V are half the width and height, rounded up). */
    @FunctionalInterface
    interface I420Writer {
        void write(ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV);
    }
}
