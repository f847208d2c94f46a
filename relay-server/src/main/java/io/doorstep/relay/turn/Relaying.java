package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ChannelBinding;
import io.doorstep.relay.allocation.Permission;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.policy.PeerAddressPolicy;
import io.doorstep.relay.stun.AttributeType;
import io.doorstep.relay.stun.ChannelData;
import io.doorstep.relay.stun.Indications;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The client-to-peer fast path, shared by the UDP and stream transports: ChannelData (RFC 8656 §12.3) and Send
 * indications (§11.2). The payload leaves in the buffer it arrived in (the message is retained and its indices
 * narrowed to the payload), so nothing is copied and no slice object is made; the datagram envelope is the only
 * object per packet, because Netty's datagram channels write nothing else to an unconnected socket.
 */
final class Relaying {
    private final PeerAddressPolicy policy;
    private final RelayMetrics metrics;

    Relaying(PeerAddressPolicy policy, RelayMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    /** Relays one ChannelData message (readable bytes of {@code message}, not owned) to the peer of its channel. */
    void channelDataToPeer(Allocation allocation, ByteBuf message, FlushBatch batch) {
        int length = ChannelData.dataLength(message);
        if (message.readableBytes() < ChannelData.HEADER_LENGTH + length) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
            return;
        }
        long now = System.nanoTime();
        ChannelBinding binding = allocation.channel(ChannelData.channelNumber(message));
        if (binding == null || binding.expiresAtNanos() - now <= 0) {
            metrics.dropped(RelayMetrics.Drop.NO_CHANNEL);
        } else if (!allocation.permits(binding.peer().getAddress(), now)) {
            metrics.dropped(RelayMetrics.Drop.NO_PERMISSION);
        } else if (allocation.spend(length, now)) {
            toPeer(allocation, message, message.readerIndex() + ChannelData.HEADER_LENGTH, length, binding.peer(),
                    now, batch);
            metrics.toPeer(length, true);
        } else {
            metrics.dropped(RelayMetrics.Drop.BANDWIDTH);
        }
    }

    /**
     * Relays the DATA of one Send indication (readable bytes of {@code message}, not owned) to its XOR-PEER-ADDRESS
     * if a permission allows; otherwise drops it silently, as §11.2 says.
     */
    void sendToPeer(Allocation allocation, ByteBuf message, FlushBatch batch) {
        int peerAt = Indications.find(message, AttributeType.XOR_PEER_ADDRESS);
        int dataAt = Indications.find(message, AttributeType.DATA);
        if (peerAt < 0 || dataAt < 0) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
            return;
        }
        long now = System.nanoTime();
        InetSocketAddress peer = rememberedPeer(allocation, message, peerAt, now);
        if (peer == null) {
            peer = checkedPeer(allocation, message, peerAt, now);
        }
        if (peer == null) {
            return; // counted by checkedPeer
        }
        int length = Indications.length(message, dataAt);
        if (allocation.spend(length, now)) {
            toPeer(allocation, message, dataAt, length, peer, now, batch);
            metrics.toPeer(length, false);
        } else {
            metrics.dropped(RelayMetrics.Drop.BANDWIDTH);
        }
    }

    /** The peer the last Send indication went to, if this one names it again and its permission still holds. */
    private static InetSocketAddress rememberedPeer(Allocation allocation, ByteBuf message, int peerAt, long now) {
        Permission last = allocation.lastSendPermission();
        if (last == null || !last.liveAt(now) || !Indications.xorAddressIs(message, peerAt, last.address())) {
            return null;
        }
        return last.lastPeer(Indications.xorPort(message, peerAt));
    }

    /** Decodes the peer and checks permission and policy (a permission is per IP; the port matters for own ports). */
    private InetSocketAddress checkedPeer(Allocation allocation, ByteBuf message, int peerAt, long now) {
        InetSocketAddress peer = Indications.xorPeerAddress(message, peerAt);
        Permission permission = peer == null ? null : allocation.permission(peer.getAddress(), now);
        if (peer == null) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
        } else if (permission == null) {
            metrics.dropped(RelayMetrics.Drop.NO_PERMISSION);
        } else if (!policy.permits(peer)) {
            metrics.dropped(RelayMetrics.Drop.POLICY);
        } else {
            permission.lastPeer(peer);
            allocation.lastSendPermission(permission);
            return peer;
        }
        return null;
    }

    /** Writes {@code length} bytes of {@code message} from {@code start} to the peer, flushed with {@code batch}. */
    private static void toPeer(Allocation allocation, ByteBuf message, int start, int length, InetSocketAddress peer,
                               long now, FlushBatch batch) {
        Channel relay = allocation.relay();
        ByteBuf payload = message.retain().setIndex(start, start + length);
        relay.write(new DatagramPacket(payload, peer), relay.voidPromise());
        batch.add(allocation, now);
    }
}
