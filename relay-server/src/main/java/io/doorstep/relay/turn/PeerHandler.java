package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ChannelBinding;
import io.doorstep.relay.allocation.Permission;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.stun.ChannelData;
import io.doorstep.relay.stun.Indications;
import io.doorstep.relay.stun.StunCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagrams from peers arriving at an allocation's relayed address (RFC 8656 §11.3 and §12.3): dropped without a
 * permission for the peer's IP, sent to the client as ChannelData when a channel is bound to the peer, otherwise as
 * a Data indication. Runs on the allocation's event loop; copies the payload once into a pooled buffer, and leaves
 * the flush to the client's {@link io.doorstep.relay.allocation.LoopFlush}, shared by all its relay sockets.
 */
final class PeerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PeerHandler.class);
    private final RelayMetrics metrics;
    private Allocation allocation;

    PeerHandler(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    /** Set once, before the relay socket is bound. */
    void attach(Allocation owner) {
        this.allocation = owner;
    }

    /**
     * Writes to peers use the void promise, so a failed send surfaces here. A send still queued when its allocation
     * ends fails with the closed socket: the allocation is gone, there is nothing to report.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ClosedChannelException)) {
            log.warn("relayed socket error local={}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            forward(ctx, packet.sender(), packet.content());
        } finally {
            packet.release();
        }
    }

    private void forward(ChannelHandlerContext ctx, InetSocketAddress peer, ByteBuf payload) {
        long now = System.nanoTime();
        int length = payload.readableBytes();
        Permission permission = allocation.permission(peer.getAddress(), now);
        if (permission == null) {
            metrics.dropped(RelayMetrics.Drop.NO_PERMISSION);
        } else if (!allocation.spend(length, now)) {
            metrics.dropped(RelayMetrics.Drop.BANDWIDTH);
        } else if (!allocation.client().channel().isWritable()) { // a TCP/TLS client not reading: drop, not queue
            metrics.dropped(RelayMetrics.Drop.CLIENT_SLOW);
        } else {
            ChannelBinding channel = allocation.channelTo(peer);
            boolean viaChannel = channel != null && channel.expiresAtNanos() - now > 0;
            ByteBuf out = viaChannel ? channelData(ctx, channel.number(), payload)
                    : dataIndication(ctx, permission, peer.getPort(), payload);
            if (out != null) {
                allocation.client().forward(out, now);
                metrics.toClient(length, viaChannel);
            }
        }
    }

    private ByteBuf channelData(ChannelHandlerContext ctx, int number, ByteBuf payload) {
        int length = payload.readableBytes();
        int padding = allocation.client().stream() ? ChannelData.padding(length) : 0;
        ByteBuf out = ctx.alloc().directBuffer(ChannelData.HEADER_LENGTH + length + padding);
        ChannelData.writeHeader(out, number, length);
        return out.writeBytes(payload, payload.readerIndex(), length).writeZero(padding);
    }

    /** A Data indication, or null (counted) when the payload is too large for one. */
    private ByteBuf dataIndication(ChannelHandlerContext ctx, Permission permission, int port, ByteBuf payload) {
        if (payload.readableBytes() + 64 > StunCodec.MAX_BODY_LENGTH) {
            metrics.dropped(RelayMetrics.Drop.TOO_LARGE);
            return null;
        }
        return Indications.data(ctx.alloc(), permission.address(), port, payload);
    }
}
