package io.doorstep.relay.allocation;

import io.doorstep.relay.metrics.LatencySampler;
import io.netty.channel.Channel;

/**
 * Flushes a client's channel once per turn of its event loop, after every socket that was ready has been read:
 * packets from the many relay sockets of one UDP listener's clients then leave in one sendmmsg call instead of a
 * send each. The flush runs as a task, and Netty runs tasks after the turn's I/O. Used on the event loop only.
 */
public final class LoopFlush implements Runnable {
    private final Channel channel;
    private final LatencySampler latency;
    private boolean pending;

    public LoopFlush(Channel channel, LatencySampler latency) {
        this.channel = channel;
        this.latency = latency;
    }

    /** A packet read at {@code arrivedAtNanos} was written to the channel: flush at the end of this turn. */
    public void written(long arrivedAtNanos) {
        latency.written(arrivedAtNanos);
        if (!pending) {
            pending = true;
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        pending = false;
        channel.flush();
        latency.flushed();
    }
}
