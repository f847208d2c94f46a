package io.doorstep.signalling.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Frames in, protocol messages or failures out; every frame released; the channel never closed. */
class ClientMessageDecoderTest {
    private static final int LIMIT = 1024;
    private EmbeddedChannel channel;

    @BeforeEach
    void channel() {
        channel = new EmbeddedChannel(new ClientMessageDecoder(new ProtocolCodec(), LIMIT));
    }

    @AfterEach
    void finish() {
        assertThat(channel.isOpen()).as("the decoder never closes the connection").isTrue();
        assertFalse(channel.finish(), "nothing left over");
    }

    private static TextWebSocketFrame text(String s) {
        // A pooled direct buffer, as the socket gives us, so a leak would show.
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer();
        buf.writeCharSequence(s, StandardCharsets.UTF_8);
        return new TextWebSocketFrame(buf);
    }

    private Inbound push(WebSocketFrame frame) {
        channel.writeInbound(frame);
        assertThat(frame.refCnt()).as("the frame was released").isZero();
        Inbound out = channel.readInbound();
        assertThat(out).isNotNull();
        Object more = channel.readInbound();
        assertThat(more).as("one output per frame").isNull();
        return out;
    }

    private ErrorCode failure(WebSocketFrame frame) {
        Inbound out = push(frame);
        assertThat(out).isInstanceOf(Inbound.Failure.class);
        return ((Inbound.Failure) out).error().code();
    }

    @Test
    void aValidMessageIsDecodedWithItsSize() {
        String json = "{\"type\":\"call.request\",\"id\":\"r1\",\"serviceItem\":\"MI-001\",\"priority\":true}";
        Inbound out = push(text(json));
        assertThat(out).isInstanceOf(Inbound.Message.class);
        Inbound.Message m = (Inbound.Message) out;
        assertThat(m.message()).isEqualTo(new ClientMessage.CallRequest("r1", "MI-001", true));
        assertThat(m.frameBytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void multiByteTextCountsInBytes() {
        String json = "{\"type\":\"call.reject\",\"callId\":\"c-1\",\"reason\":\"" + "忙".repeat(10) + "\"}";
        Inbound.Message m = (Inbound.Message) push(text(json));
        assertThat(m.frameBytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(json.length());
    }

    @Test
    void invalidMessagesBecomeFailuresWithTheirCodeAndId() {
        assertThat(failure(text("{nope"))).isEqualTo(ErrorCode.BAD_JSON);
        assertThat(failure(text("[1,2]"))).isEqualTo(ErrorCode.BAD_JSON);
        Inbound.Failure unknown = (Inbound.Failure) push(text("{\"type\":\"x.y\",\"id\":\"u1\"}"));
        assertThat(unknown.error().code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(unknown.error().requestId()).isEqualTo("u1");
        Inbound.Failure missing = (Inbound.Failure) push(text("{\"type\":\"call.request\",\"id\":\"m1\"}"));
        assertThat(missing.error().code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(missing.error().requestId()).isEqualTo("m1");
        // ... and the channel goes on decoding.
        assertThat(push(text("{\"type\":\"ping\",\"ack\":3}"))).isInstanceOf(Inbound.Message.class);
    }

    @Test
    void aFrameOverTheLimitIsTooLargeAndNotParsed() {
        String pad = "x".repeat(LIMIT);
        assertThat(failure(text("{\"type\":\"ping\",\"pad\":\"" + pad + "\"}"))).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        // Even garbage: the size is checked before parsing.
        assertThat(failure(text("{" + pad))).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void aFrameOfExactlyTheLimitIsAccepted() {
        String head = "{\"type\":\"ping\",\"pad\":\"";
        String tail = "\"}";
        String json = head + "x".repeat(LIMIT - head.length() - tail.length()) + tail;
        assertThat(json.length()).isEqualTo(LIMIT);
        assertThat(push(text(json))).isInstanceOf(Inbound.Message.class);
        assertThat(failure(text(head + "x".repeat(LIMIT - head.length() - tail.length() + 1) + tail)))
                .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void binaryAndStrayContinuationFramesAreUnsupported() {
        assertThat(failure(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8))))).isEqualTo(ErrorCode.UNSUPPORTED_FRAME);
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(new byte[] {1, 2, 3});
        assertThat(failure(new BinaryWebSocketFrame(direct))).isEqualTo(ErrorCode.UNSUPPORTED_FRAME);
        assertThat(failure(new ContinuationWebSocketFrame(Unpooled.copiedBuffer("abc", StandardCharsets.UTF_8))))
                .isEqualTo(ErrorCode.UNSUPPORTED_FRAME);
    }

    @Test
    void otherObjectsPassThroughUntouched() {
        Object event = "not a frame";
        channel.writeInbound(event);
        Object out = channel.readInbound();
        assertThat(out).isSameAs(event);
    }
}
