package io.doorstep.client.media;

/**
 * A decoded frame of the peer's video, copied out of WebRTC for the application to show or inspect: I420, each
 * plane packed row after row without padding (Y is {@code width} x {@code height}; U and V are
 * {@link #chromaWidth()} x {@link #chromaHeight()}). The arrays belong to the receiver; the SDK does not touch them
 * again.
 */
public record I420Picture(int width, int height, long timestampNanos, byte[] y, byte[] u, byte[] v) {

    public int chromaWidth() {
        return (width + 1) / 2;
    }

    public int chromaHeight() {
        return (height + 1) / 2;
    }

    /** The luma (brightness, 0..255) of one pixel. */
    public int luma(int x, int row) {
        return y[row * width + x] & 0xff;
    }
}
