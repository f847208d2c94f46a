package io.doorstep.loadtest.calls;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Open-loop arrivals at a fixed rate: call i is due at {@code start + i / rate} whatever happened to earlier calls,
 * and its latencies are measured from that due time. A server that stalls therefore cannot slow the generator down
 * and hide its own stall from the percentiles (coordinated omission).
 */
final class Pacer {
    private Pacer() {
    }

    /** Calls {@code arrival} with each due time (System.nanoTime) for {@code duration}. */
    static void run(double ratePerSecond, Duration duration, LongConsumer arrival) {
        long start = System.nanoTime();
        long arrivals = (long) (ratePerSecond * duration.toNanos() / 1e9);
        double interval = 1e9 / ratePerSecond;
        for (long i = 0; i < arrivals; i++) {
            long due = start + (long) (i * interval);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            arrival.accept(due);
        }
    }
}
