package io.doorstep.signalling.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The token bucket behind the real frame decoder, as in the server's pipeline: frames in, messages or RATE_LIMITED
 * failures out, and a close once a connection keeps flooding. The bucket runs on a test clock, so refills happen
 * exactly when a test advances it.
 */
class RateLimiterTest {
    private static final ProtocolCodec CODEC = new ProtocolCodec();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private EmbeddedChannel pipeline(int ratePerSecond, int burst) {
        return new EmbeddedChannel(new ClientMessageDecoder(CODEC, 4096),
                new RateLimiter(ratePerSecond, burst, now::get));
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static TextWebSocketFrame frame(String json) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer();
        buf.writeCharSequence(json, StandardCharsets.UTF_8);
        return new TextWebSocketFrame(buf);
    }

    private static TextWebSocketFrame ping(String id) {
        return frame("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
    }

    /** Pushes one frame and returns what came out inbound (null if nothing). */
    private static Inbound push(EmbeddedChannel ch, TextWebSocketFrame frame) {
        ch.writeInbound(frame);
        assertThat(frame.refCnt()).as("the frame was released").isZero();
        Inbound out = ch.readInbound();
        Object more = ch.readInbound();
        assertThat(more).isNull();
        return out;
    }

    private static void assertPassed(Inbound out, String id) {
        assertThat(out).isInstanceOf(Inbound.Message.class);
        assertThat(((Inbound.Message) out).message().id()).isEqualTo(id);
    }

    private static void assertLimited(Inbound out, String id) {
        assertThat(out).isInstanceOf(Inbound.Failure.class);
        Inbound.Failure f = (Inbound.Failure) out;
        assertThat(f.error().code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(f.error().requestId()).isEqualTo(id);
    }

    private static void assertClosedWithPolicyViolation(EmbeddedChannel ch) {
        assertThat(ch.isOpen()).isFalse();
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close).isNotNull();
        assertThat(close.statusCode()).isEqualTo(WebSocketCloseStatus.POLICY_VIOLATION.code());
        assertThat(close.reasonText()).isEqualTo("rate limit");
        close.release();
        Object more = ch.readOutbound();
        assertThat(more).isNull();
    }

    @Test
    void aBurstPassesThenMessagesAreDroppedWithTheirIds() {
        EmbeddedChannel ch = pipeline(1, 3);
        for (int i = 1; i <= 3; i++) {
            assertPassed(push(ch, ping("p" + i)), "p" + i);
        }
        for (int i = 4; i <= 6; i++) {
            assertLimited(push(ch, ping("p" + i)), "p" + i);
        }
        Object outbound = ch.readOutbound();
        assertThat(outbound).as("not closed yet").isNull();
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void aConnectionThatKeepsFloodingIsClosedWithPolicyViolation() {
        EmbeddedChannel ch = pipeline(1, 3);
        List<Inbound> out = new ArrayList<>();
        int sent = 0;
        while (ch.isOpen() && sent < 50) {
            Inbound in = push(ch, ping("p" + ++sent));
            if (in != null) {
                out.add(in);
            }
        }
        // 3 pass, 3 are dropped with RATE_LIMITED, and the 4th drop in a row closes without a reply.
        assertThat(sent).isEqualTo(7);
        assertThat(out).hasSize(6);
        for (int i = 4; i <= 6; i++) {
            assertLimited(out.get(i - 1), "p" + i);
        }
        assertClosedWithPolicyViolation(ch);
        assertFalse(ch.finish());
    }

    @Test
    void theBucketRefillsAtTheConfiguredRateUpToTheBurst() {
        EmbeddedChannel ch = pipeline(4, 2); // a token every 250 ms, at most 2
        assertPassed(push(ch, ping("a")), "a");
        assertPassed(push(ch, ping("b")), "b");
        assertLimited(push(ch, ping("c")), "c");
        advance(249);
        assertLimited(push(ch, ping("d")), "d");
        advance(1);
        assertPassed(push(ch, ping("e")), "e");
        assertLimited(push(ch, ping("f")), "f");
        advance(60_000); // a long pause refills only up to the burst
        assertPassed(push(ch, ping("g")), "g");
        assertPassed(push(ch, ping("h")), "h");
        assertLimited(push(ch, ping("i")), "i");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void aSteadyRateAtTheLimitIsNeverDropped() {
        EmbeddedChannel ch = pipeline(50, 1);
        for (int i = 0; i < 500; i++) {
            assertPassed(push(ch, ping("s" + i)), "s" + i);
            advance(20);
        }
        assertFalse(ch.finish());
    }

    @Test
    void aPassingMessageResetsTheFloodCount() {
        EmbeddedChannel ch = pipeline(4, 2);
        push(ch, ping("a"));
        push(ch, ping("b"));
        assertLimited(push(ch, ping("c")), "c");
        assertLimited(push(ch, ping("d")), "d");
        advance(250);
        assertPassed(push(ch, ping("e")), "e");
        assertLimited(push(ch, ping("f")), "f");
        assertLimited(push(ch, ping("g")), "g");
        assertThat(ch.isOpen()).as("two drops in a row again, not four").isTrue();
        assertThat(push(ch, ping("h"))).as("the third drop in a row closes").isNull();
        assertClosedWithPolicyViolation(ch);
        assertFalse(ch.finish());
    }

    @Test
    void invalidFramesCountAgainstTheLimitToo() {
        // Otherwise a client could flood with garbage and keep the server busy answering each frame.
        EmbeddedChannel ch = pipeline(1, 3);
        int sent = 0;
        List<Inbound> out = new ArrayList<>();
        while (ch.isOpen() && sent < 50) {
            sent++;
            Inbound in = push(ch, frame("{\"type\":\"no.such.type\",\"id\":\"g" + sent + "\"}"));
            if (in != null) {
                out.add(in);
            }
        }
        assertThat(sent).isEqualTo(7);
        for (int i = 1; i <= 3; i++) {
            Inbound.Failure f = (Inbound.Failure) out.get(i - 1);
            assertThat(f.error().code()).as("within the limit: the decoder's own error").isEqualTo(ErrorCode.UNKNOWN_TYPE);
            assertThat(f.error().requestId()).isEqualTo("g" + i);
        }
        for (int i = 4; i <= 6; i++) {
            assertLimited(out.get(i - 1), "g" + i);
        }
        assertClosedWithPolicyViolation(ch);
        assertFalse(ch.finish());
    }

    @Test
    void garbageWithoutAnIdIsLimitedWithoutOne() {
        EmbeddedChannel ch = pipeline(1, 1);
        Inbound first = push(ch, frame("{not json"));
        assertThat(((Inbound.Failure) first).error().code()).isEqualTo(ErrorCode.BAD_JSON);
        assertLimited(push(ch, frame("{not json")), null);
        assertFalse(ch.finish());
    }

    @Test
    void otherObjectsPassThroughUncounted() {
        EmbeddedChannel ch = new EmbeddedChannel(new RateLimiter(1, 1, now::get));
        for (int i = 0; i < 10; i++) {
            ch.writeInbound("event " + i);
            Object out = ch.readInbound();
            assertThat(out).isEqualTo("event " + i);
        }
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }
}
