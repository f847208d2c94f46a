package io.doorstep.loadtest.calls;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Open-loop arrivals at a fixed rate: call i is due at {@code start + i / rate} whatever happened to earlier calls,
 * and its latencies are measured from that due time. A server that stalls therefore cannot slow the generator down
 * and hide its own stall from the percentiles (coordinated omission).
 *
 * <p>The arrivals fire on the clients' event loop (its timer), the thread that then writes the request, so the
 * generator's own part of each measurement is one wake-up, not a timer thread's wake-up and a hand-over to the loop
 * on top of it. An arrival the loop reaches late still carries its own due time.
 */
public final class Pacer {
    private Pacer() {
    }

    /** No more arrivals: what a schedule's next due time is once it is over. */
    private static final long DONE = Long.MIN_VALUE;

    /** Calls {@code arrival} on {@code loop} with each due time (System.nanoTime) for {@code duration}; returns after the last. */
    static void run(ScheduledExecutorService loop, double ratePerSecond, Duration duration, LongConsumer arrival)
            throws InterruptedException {
        long arrivals = (long) (ratePerSecond * duration.toNanos() / 1e9);
        double interval = 1e9 / ratePerSecond;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        long[] next = {0};
        CountDownLatch done = start(loop, previous -> next[0] < arrivals ? start + (long) (next[0]++ * interval)
                : DONE, arrival);
        if (!done.await(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the client event loop fell more than a minute behind the arrivals");
        }
    }

    /**
     * Poisson arrivals at {@code ratePerSecond} for {@code duration} (exponential gaps, so the superposition of many
     * stations each calling at random); the latch opens after the last.
     */
    public static CountDownLatch poisson(ScheduledExecutorService loop, double ratePerSecond, Duration duration,
                                         SplittableRandom random, LongConsumer arrival) {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        long end = start + duration.toNanos();
        double meanGapNanos = 1e9 / ratePerSecond;
        return start(loop, previous -> {
            long gap = (long) (-meanGapNanos * Math.log(1 - random.nextDouble()));
            long due = (previous == DONE ? start : previous) + gap;
            return due < end ? due : DONE;
        }, arrival);
    }

    /** Runs {@code arrival} for each due time {@code next} gives (from the previous one; DONE at first and last). */
    private static CountDownLatch start(ScheduledExecutorService loop, LongUnaryOperator next, LongConsumer arrival) {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(new Runnable() {
            private long due = next.applyAsLong(DONE);

            @Override
            public void run() {
                long now = System.nanoTime();
                while (due != DONE && due <= now) {
                    arrival.accept(due);
                    due = next.applyAsLong(due);
                }
                if (due != DONE) {
                    loop.schedule(this, due - now, TimeUnit.NANOSECONDS);
                } else {
                    done.countDown();
                }
            }
        });
        return done;
    }
}
