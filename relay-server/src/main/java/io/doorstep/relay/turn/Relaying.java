package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ChannelBinding;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.stun.ChannelData;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;

/** The client-to-peer fast path for ChannelData (RFC 8656 §12.3), shared by the UDP and stream transports. */
final class Relaying {
    private Relaying() {
    }

    /**
     * Sends the payload of one ChannelData message (readable bytes of {@code message}, not owned) to the peer bound
     * to its channel: a retained slice of the received buffer goes out, so no bytes are copied.
     */
    static void channelDataToPeer(Allocation allocation, ByteBuf message, RelayMetrics metrics, FlushBatch batch) {
        int length = ChannelData.dataLength(message);
        if (message.readableBytes() < ChannelData.HEADER_LENGTH + length) {
            metrics.dropped(RelayMetrics.Drop.MALFORMED);
            return;
        }
        long now = System.nanoTime();
        ChannelBinding binding = allocation.channel(ChannelData.channelNumber(message));
        if (binding == null || binding.expiresAtNanos() - now <= 0) {
            metrics.dropped(RelayMetrics.Drop.NO_CHANNEL);
            return;
        }
        if (!allocation.permits(binding.peer().getAddress(), now)) {
            metrics.dropped(RelayMetrics.Drop.NO_PERMISSION);
            return;
        }
        if (!allocation.spend(length, now)) {
            metrics.dropped(RelayMetrics.Drop.BANDWIDTH);
            return;
        }
        ByteBuf payload = message.retainedSlice(message.readerIndex() + ChannelData.HEADER_LENGTH, length);
        allocation.relay().write(new DatagramPacket(payload, binding.peer()), allocation.relay().voidPromise());
        batch.add(allocation);
        metrics.toPeer(length, true);
    }
}
