package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.stun.StunMessage;
import io.netty.buffer.ByteBuf;

/** What the transports hand to the TURN logic: STUN messages, ChannelData, and connections that ended. */
public final class TurnGateway {
    private final TurnService service;
    private final Allocator allocator;
    private final RelayMetrics metrics;

    public TurnGateway(TurnService service, Allocator allocator, RelayMetrics metrics) {
        this.service = service;
        this.allocator = allocator;
        this.metrics = metrics;
    }

    public void stun(StunMessage message, ByteBuf raw, ClientLink client, AllocationTable table) {
        service.handle(message, raw, client, table);
    }

    /** Relays one ChannelData message; the write is flushed with {@code batch} at the end of the read burst. */
    public void channelData(Allocation allocation, ByteBuf message, FlushBatch batch) {
        Relaying.channelDataToPeer(allocation, message, metrics, batch);
    }

    public void release(Allocation allocation, AllocationTable table, String reason) {
        allocator.release(allocation, table, reason);
    }
}
