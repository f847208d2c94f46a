package io.doorstep.relay.metrics;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Forwarding latency of one flush point (a client socket's relay writes, or a client channel), sampled: one packet
 * in {@value #PERIOD} keeps its arrival time (the clock reading the handler takes anyway, for permission expiry),
 * and the time until the flush that hands it to the outgoing socket is recorded: one more clock reading and one
 * timer update per {@value #PERIOD} packets. One per flush point, used on its event loop only.
 */
public final class LatencySampler {
    /** Packets per sample; a power of two. */
    static final int PERIOD = 64;

    private final Timer timer;
    private int count;
    private boolean sampling;
    private long arrivedAtNanos;

    LatencySampler(Timer timer) {
        this.timer = timer;
    }

    /** A packet read at {@code arrivedAtNanos} was written and awaits the flush. */
    public void written(long arrivedAtNanos) {
        if (!sampling && (++count & (PERIOD - 1)) == 0) {
            sampling = true;
            this.arrivedAtNanos = arrivedAtNanos;
        }
    }

    /** The writes so far have been flushed. */
    public void flushed() {
        if (sampling) {
            sampling = false;
            timer.record(System.nanoTime() - arrivedAtNanos, TimeUnit.NANOSECONDS);
        }
    }
}
