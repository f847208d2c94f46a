package io.doorstep.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The feeds without WebRTC: what they hand a sink. */
class VideoFeedTest {

    /** A sink that keeps the Y plane of every frame, written into plain heap buffers. */
    private static final class Keeping implements VideoSink {
        final List<byte[]> lumas = new CopyOnWriteArrayList<>();
        volatile int width;
        volatile int height;

        @Override
        public void frame(int width, int height, long timestampNanos, I420Writer writer) {
            this.width = width;
            this.height = height;
            int cw = (width + 1) / 2, ch = (height + 1) / 2;
            ByteBuffer y = ByteBuffer.allocate(width * height);
            writer.write(y, width, ByteBuffer.allocate(cw * ch), cw, ByteBuffer.allocate(cw * ch), cw);
            lumas.add(y.array());
        }
    }

    @Test
    void testPatternMovesAtItsRateAndStops() {
        Keeping sink = new Keeping();
        try (TestPatternFeed feed = new TestPatternFeed(64, 48, 30)) {
            feed.start(sink);
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.lumas.size() >= 5);
            feed.stop();
            int stoppedAt = sink.lumas.size();
            assertThat(sink.width).isEqualTo(64);
            assertThat(sink.height).isEqualTo(48);
            assertThat(sink.lumas.get(0)).as("the picture moves").isNotEqualTo(sink.lumas.get(1));
            assertThat(Arrays.equals(sink.lumas.get(1), new byte[64 * 48])).as("something is drawn").isFalse();
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                    .until(() -> sink.lumas.size() <= stoppedAt + 1);
        }
    }

    @Test
    void frameFeedDropsFramesWhileNoCallTakesThem() {
        Keeping sink = new Keeping();
        FrameFeed feed = new FrameFeed();
        VideoSink.I420Writer grey = (y, sy, u, su, v, sv) -> y.put(0, (byte) 128);
        assertThat(feed.push(16, 16, 1, grey)).isFalse();
        feed.start(sink);
        assertThat(feed.push(16, 16, 2, grey)).isTrue();
        feed.close();
        assertThat(feed.push(16, 16, 3, grey)).isFalse();
        assertThat(sink.lumas).hasSize(1);
    }
}
