package io.doorstep.relay.transport;

import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.stun.StunCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a TCP/TLS byte stream into STUN messages and (padded) ChannelData messages, each framed by its own length
 * (RFC 8656 §12.5). A stream that loses framing cannot recover, so it is closed.
 */
final class StreamFrameDecoder extends ByteToMessageDecoder {
    private final RelayMetrics metrics;

    StreamFrameDecoder(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = StunCodec.streamFrameLength(in);
        if (length == StunCodec.NOT_A_FRAME) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (length == StunCodec.NEED_MORE_BYTES || in.readableBytes() < length) {
            return;
        }
        out.add(in.readRetainedSlice(length));
    }
}
