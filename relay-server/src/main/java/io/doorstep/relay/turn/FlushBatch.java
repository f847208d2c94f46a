package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.metrics.LatencySampler;
import java.util.ArrayList;
import java.util.List;

/**
 * Relay sockets written during one read burst of a client socket, flushed together when the burst ends: under
 * epoll a flush of several datagrams becomes one sendmmsg call instead of a syscall per packet. One per client
 * socket, used on its event loop only.
 */
public final class FlushBatch {
    private final List<Allocation> pending = new ArrayList<>();
    private final LatencySampler latency;

    public FlushBatch(LatencySampler latency) {
        this.latency = latency;
    }

    /** The allocation's relay socket was written a packet read at {@code arrivedAtNanos}. */
    void add(Allocation allocation, long arrivedAtNanos) {
        latency.written(arrivedAtNanos);
        if (allocation.markFlushPending()) {
            pending.add(allocation);
        }
    }

    /** Flushes every relay socket written since the last call. */
    public void flush() {
        for (int i = 0; i < pending.size(); i++) {
            Allocation a = pending.get(i);
            a.clearFlushPending();
            a.relay().flush();
        }
        pending.clear();
        latency.flushed();
    }
}
