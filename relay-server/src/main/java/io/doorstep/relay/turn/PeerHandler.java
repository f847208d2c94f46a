package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ChannelBinding;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.stun.ChannelData;
import io.doorstep.relay.stun.StunCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Datagrams from peers arriving at an allocation's relayed address (RFC 8656 §11.3 and §12.3): dropped without a
 * permission for the peer's IP, sent to the client as ChannelData when a channel is bound to the peer, otherwise as
 * a Data indication. Runs on the allocation's event loop; copies the payload once into a pooled buffer.
 */
final class PeerHandler extends ChannelInboundHandlerAdapter {
    private final RelayMetrics metrics;
    private Allocation allocation;

    PeerHandler(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    /** Set once, before the relay socket is bound. */
    void attach(Allocation owner) {
        this.allocation = owner;
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
        if (!allocation.permits(peer.getAddress(), now)) {
            metrics.dropped(RelayMetrics.Drop.NO_PERMISSION);
            return;
        }
        if (!allocation.spend(length, now)) {
            metrics.dropped(RelayMetrics.Drop.BANDWIDTH);
            return;
        }
        if (!allocation.client().channel().isWritable()) { // a TCP/TLS client not reading: drop, do not queue
            metrics.dropped(RelayMetrics.Drop.CLIENT_SLOW);
            return;
        }
        ChannelBinding channel = allocation.channelTo(peer);
        ByteBuf out;
        if (channel != null && channel.expiresAtNanos() - now > 0) {
            boolean pad = allocation.client().stream();
            int padding = pad ? ChannelData.padding(length) : 0;
            out = ctx.alloc().directBuffer(ChannelData.HEADER_LENGTH + length + padding);
            ChannelData.writeHeader(out, channel.number(), length);
            out.writeBytes(payload, payload.readerIndex(), length);
            out.writeZero(padding);
        } else if (length + 64 <= StunCodec.MAX_BODY_LENGTH) {
            out = StunCodec.encodeDataIndication(ctx.alloc(), peer, payload);
        } else {
            metrics.dropped(RelayMetrics.Drop.TOO_LARGE);
            return;
        }
        allocation.client().send(out);
        metrics.toClient(length, channel != null);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        allocation.client().channel().flush();
    }
}
