package io.doorstep.signalling.server;

import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ProtocolException;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * WebSocket frames to protocol messages. A frame that is too large, binary, or not a valid message becomes an
 * {@link Inbound.Failure} so the session can answer it; it never closes the connection.
 */
final class ClientMessageDecoder extends MessageToMessageDecoder<WebSocketFrame> {
    private final ProtocolCodec codec;
    private final int maxFrameBytes;

    ClientMessageDecoder(ProtocolCodec codec, int maxFrameBytes) {
        super(WebSocketFrame.class);
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (!(frame instanceof TextWebSocketFrame)) {
            out.add(failure(ErrorCode.UNSUPPORTED_FRAME, "only text frames carry protocol messages"));
            return;
        }
        int size = frame.content().readableBytes();
        if (size > maxFrameBytes) {
            out.add(failure(ErrorCode.FRAME_TOO_LARGE,
                    "the frame has " + size + " bytes; the limit is " + maxFrameBytes));
            return;
        }
        try {
            out.add(new Inbound.Message(codec.decodeClient(ByteBufUtil.getBytes(frame.content())), size));
        } catch (ProtocolException e) {
            out.add(new Inbound.Failure(e));
        }
    }

    private static Inbound.Failure failure(ErrorCode code, String message) {
        return new Inbound.Failure(new ProtocolException(code, null, message));
    }
}
