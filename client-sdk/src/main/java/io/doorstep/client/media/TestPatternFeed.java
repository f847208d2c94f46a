package io.doorstep.client.media;

import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generated, moving test pattern (scrolling bars and a bouncing square), for machines without a camera, tests and
 * the demo. It moves so the encoder has real work and a frozen picture shows. Frames come from a thread of its own.
 */
public final class TestPatternFeed implements VideoFeed {
    /** The default size and rate: VGA at 15 frames per second, a station camera's usual setting on a slow line. */
    public static final int DEFAULT_WIDTH = 640, DEFAULT_HEIGHT = 480, DEFAULT_FPS = 15;
    private static final int BAR = 40, STEP = 4;
    private static final Logger log = LoggerFactory.getLogger(TestPatternFeed.class);

    private final int width;
    private final int height;
    private final int fps;
    private final int square;
    private final byte[] barsRow;
    private final byte[] squareRow;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> running;
    private long frameNumber;

    public TestPatternFeed() {
        this(DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS);
    }

    public TestPatternFeed(int width, int height, int fps) {
        if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0 || fps < 1 || fps > 60) {
            throw new IllegalArgumentException("a test pattern needs an even size of at least 16x16 and 1..60 fps");
        }
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.square = Math.min(64, Math.min(width, height) / 4);
        this.barsRow = new byte[width];
        this.squareRow = new byte[width];
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "doorstep-test-pattern");
            t.setDaemon(true);
            return t;
        });
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int fps() {
        return fps;
    }

    @Override
    public synchronized void start(VideoSink sink) {
        stop();
        running = timer.scheduleAtFixedRate(() -> next(sink), 0, 1_000_000 / fps, TimeUnit.MICROSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.cancel(false);
            running = null;
        }
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
    }

    /** One frame to the sink; a failing sink costs that frame, not the feed (a thrown task would never run again). */
    private void next(VideoSink sink) {
        try {
            sink.frame(width, height, System.nanoTime(), this::draw);
        } catch (RuntimeException e) {
            log.warn("test pattern frame dropped", e);
        }
    }

    /** Draws the next frame: only on the pattern's own thread, so the rows need no lock. */
    private void draw(ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV) {
        long n = frameNumber++;
        int shift = (int) (n * STEP % (2 * BAR));
        for (int x = 0; x < width; x++) {
            barsRow[x] = (byte) (((x + shift) / BAR) % 2 == 0 ? 180 : 70);
        }
        int squareX = bounce(n * STEP, width - square);
        int squareY = bounce(n * STEP / 2, height - square);
        System.arraycopy(barsRow, 0, squareRow, 0, width);
        java.util.Arrays.fill(squareRow, squareX, squareX + square, (byte) 235);
        for (int row = 0; row < height; row++) {
            boolean inSquare = row >= squareY && row < squareY + square;
            y.put(row * strideY, inSquare ? squareRow : barsRow, 0, width);
        }
        fillChroma(u, strideU, (byte) (128 + (n % 64)));
        fillChroma(v, strideV, (byte) 128);
    }

    private void fillChroma(ByteBuffer plane, int stride, byte value) {
        int w = (width + 1) / 2;
        int h = (height + 1) / 2;
        byte[] row = new byte[w];
        java.util.Arrays.fill(row, value);
        for (int r = 0; r < h; r++) {
            plane.put(r * stride, row, 0, w);
        }
    }

    /** A position moving back and forth between 0 and {@code max}. */
    private static int bounce(long travelled, int max) {
        long period = 2L * max;
        int p = (int) (travelled % period);
        return p <= max ? p : (int) (period - p);
    }
}
