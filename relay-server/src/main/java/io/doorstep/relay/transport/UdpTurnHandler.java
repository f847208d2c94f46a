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
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * One UDP listener socket: demultiplexes ChannelData from STUN (RFC 7983) and keeps the allocations of the clients
 * the kernel steers to this socket. A bad datagram is counted and dropped; the socket never closes for it.
 */
final class UdpTurnHandler extends ChannelInboundHandlerAdapter implements AllocationTable {
    private final TurnGateway gateway;
    private final RelayMetrics metrics;
    private final FlushBatch batch;
    private final Map<InetSocketAddress, Allocation> allocations = new HashMap<>();
    private LoopFlush toClients;

    UdpTurnHandler(TurnGateway gateway, RelayMetrics metrics) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.batch = gateway.newFlushBatch();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        toClients = new LoopFlush(ctx.channel(), metrics.toClientLatency());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        ByteBuf content = packet.content();
        try {
            if (gateway.relayed(allocations.get(packet.sender()), content, batch)) {
                return;
            }
            if (StunCodec.looksLikeStun(content)) {
                gateway.stun(StunCodec.decode(content), content,
                        new ClientLink.Udp(ctx.channel(), packet.sender(), toClients), this);
            } else {
                metrics.dropped(RelayMetrics.Drop.MALFORMED);
            }
        } catch (StunParseException e) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batch.flush();
        ctx.flush();
    }

    @Override
    public Allocation get(InetSocketAddress client) {
        return allocations.get(client);
    }

    @Override
    public void put(InetSocketAddress client, Allocation allocation) {
        allocations.put(client, allocation);
    }

    @Override
    public void remove(InetSocketAddress client, Allocation allocation) {
        allocations.remove(client, allocation);
    }

    /** Ends every allocation of this socket (server stopping). */
    void releaseAll(java.util.function.Consumer<Allocation> release) {
        java.util.List.copyOf(allocations.values()).forEach(release);
    }
}
