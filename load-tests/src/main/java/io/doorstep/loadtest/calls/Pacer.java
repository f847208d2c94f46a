package io.doorstep.loadtest.calls;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Open-loop arrivals at a fixed rate: call i is due at {@code start + i / rate} whatever happened to earlier calls,
 * and its latencies are measured from that due time. A server that stalls therefore cannot slow the generator down
 * and hide its own stall from the percentiles (coordinated omission).
 *
 * <p>The arrivals fire on the clients' event loop (its timer), the thread that then writes the request, so the
 * generator's own part of each measurement is one wake-up, not a timer thread's wake-up and a hand-over to the loop
 * on top of it. An arrival the loop reaches late still carries its own due time.
 */
final class Pacer {
    private Pacer() {
    }

    /** Calls {@code arrival} on {@code loop} with each due time (System.nanoTime) for {@code duration}; returns after the last. */
    static void run(ScheduledExecutorService loop, double ratePerSecond, Duration duration, LongConsumer arrival)
            throws InterruptedException {
        long arrivals = (long) (ratePerSecond * duration.toNanos() / 1e9);
        double interval = 1e9 / ratePerSecond;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(new Runnable() {
            private long next;

            @Override
            public void run() {
                long now = System.nanoTime();
                while (next < arrivals && due(next) <= now) {
                    arrival.accept(due(next++));
                }
                if (next < arrivals) {
                    loop.schedule(this, due(next) - now, TimeUnit.NANOSECONDS);
                } else {
                    done.countDown();
                }
            }

            private long due(long i) {
                return start + (long) (i * interval);
            }
        });
        if (!done.await(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the client event loop fell more than a minute behind the arrivals");
        }
    }
}
