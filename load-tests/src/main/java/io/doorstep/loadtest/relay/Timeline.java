package io.doorstep.loadtest.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A step's round trips by slice of its sending window, each packet in the slice of its intended send time: the
 * latency and the throughput over time that the reports chart. Allocated before the step, so that recording a
 * packet allocates nothing; touched on the generator's event loop only.
 */
final class Timeline {
    /** At most this many slices per step, and none shorter than {@link #SHORTEST}: a chart, not a trace. */
    private static final int SLICES = 20;
    private static final long SHORTEST = TimeUnit.MILLISECONDS.toNanos(100);

    private final long sliceNanos;
    private final Histogram[] slices;

    Timeline(long sliceNanos, int count) {
        this.sliceNanos = sliceNanos;
        this.slices = new Histogram[count];
        for (int i = 0; i < count; i++) {
            slices[i] = new Histogram(Generator.HIGHEST_NANOS, 2); // two digits: percentiles per slice for a chart
        }
    }

    static Timeline over(Duration window) {
        long slice = Math.max(SHORTEST, window.toNanos() / SLICES);
        return new Timeline(slice, (int) Math.max(1, (window.toNanos() + slice - 1) / slice));
    }

    /** A round trip of a packet meant to leave {@code sinceStart} ns after the step's start. */
    void record(long sinceStart, long roundTripNanos) {
        int i = (int) Math.min(slices.length - 1, Math.max(0, sinceStart / sliceNanos));
        slices[i].recordValue(Math.min(roundTripNanos, Generator.HIGHEST_NANOS));
    }

    List<StepResult.Interval> intervals(int forwardsPerRoundTrip) {
        List<StepResult.Interval> out = new ArrayList<>(slices.length);
        double seconds = sliceNanos / 1e9;
        for (int i = 0; i < slices.length; i++) {
            Histogram h = slices[i];
            long n = h.getTotalCount();
            out.add(new StepResult.Interval((i + 1) * seconds, n, n * forwardsPerRoundTrip / seconds,
                    micros(h, 50), micros(h, 90), micros(h, 99)));
        }
        return out;
    }

    private static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
    }
}
