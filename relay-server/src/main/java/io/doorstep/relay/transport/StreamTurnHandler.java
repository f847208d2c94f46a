package io.doorstep.relay.transport;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.allocation.LoopFlush;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunParseException;
import io.doorstep.relay.turn.AllocationTable;
import io.doorstep.relay.turn.FlushBatch;
import io.doorstep.relay.turn.TurnGateway;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * One TURN client on a TCP or TLS connection: the connection is the 5-tuple, so it holds at most one allocation,
 * which ends when the connection does (RFC 8656 §7).
 */
final class StreamTurnHandler extends ChannelInboundHandlerAdapter implements AllocationTable {
    private final TurnGateway gateway;
    private final RelayMetrics metrics;
    private final FlushBatch batch;
    private ClientLink link;
    private Allocation allocation;

    StreamTurnHandler(TurnGateway gateway, RelayMetrics metrics) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.batch = gateway.newFlushBatch();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        link = new ClientLink.Stream(ctx.channel(), new LoopFlush(ctx.channel(), metrics.toClientLatency()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (!gateway.relayed(allocation, frame, batch)) {
                gateway.stun(StunCodec.decode(frame), frame, link, this);
            }
        } catch (StunParseException e) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batch.flush();
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (allocation != null) {
            gateway.release(allocation, this, "closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public Allocation get(InetSocketAddress client) {
        return allocation;
    }

    @Override
    public void put(InetSocketAddress client, Allocation a) {
        allocation = a;
    }

    @Override
    public void remove(InetSocketAddress client, Allocation a) {
        if (allocation == a) {
            allocation = null;
        }
    }
}
