package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.policy.PeerAddressPolicy;
import io.doorstep.relay.stun.ChannelData;
import io.doorstep.relay.stun.Indications;
import io.doorstep.relay.stun.StunMessage;
import io.netty.buffer.ByteBuf;

/** What the transports hand to the TURN logic: packets to relay, STUN messages, and connections that ended. */
public final class TurnGateway {
    private final TurnService service;
    private final Allocator allocator;
    private final RelayMetrics metrics;
    private final Relaying relaying;

    public TurnGateway(TurnService service, Allocator allocator, PeerAddressPolicy policy, RelayMetrics metrics) {
        this.service = service;
        this.allocator = allocator;
        this.metrics = metrics;
        this.relaying = new Relaying(policy, metrics);
    }

    /**
     * Relays {@code message} (not owned) if it is ChannelData or a Send indication, from the client whose
     * allocation is {@code allocation} (null when it has none: dropped and counted); the write is flushed with
     * {@code batch} at the end of the read burst. False when it is neither: a STUN message for {@link #stun}.
     */
    public boolean relayed(Allocation allocation, ByteBuf message, FlushBatch batch) {
        boolean channelData = ChannelData.isChannelData(message);
        if (!channelData && !Indications.isSend(message)) {
            return false;
        }
        if (allocation == null) {
            metrics.dropped(RelayMetrics.Drop.NO_ALLOCATION);
        } else if (channelData) {
            relaying.channelDataToPeer(allocation, message, batch);
        } else {
            relaying.sendToPeer(allocation, message, batch);
        }
        return true;
    }

    public void stun(StunMessage message, ByteBuf raw, ClientLink client, AllocationTable table) {
        service.handle(message, raw, client, table);
    }

    /** The flush batch of one client socket, with its sampler of forwarding latency. */
    public FlushBatch newFlushBatch() {
        return new FlushBatch(metrics.toPeerLatency());
    }

    public void release(Allocation allocation, AllocationTable table, String reason) {
        allocator.release(allocation, table, reason);
    }
}
