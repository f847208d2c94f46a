package io.doorstep.loadtest.calls;

import org.HdrHistogram.Histogram;

/** Percentiles of one latency, in milliseconds. */
public record Latency(long count, double p50, double p90, double p99, double p999, double max) {
    private static final double NANOS_PER_MS = 1e6;

    static Latency of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0);
        }
        return new Latency(nanos.getTotalCount(), ms(nanos.getValueAtPercentile(50)),
                ms(nanos.getValueAtPercentile(90)), ms(nanos.getValueAtPercentile(99)),
                ms(nanos.getValueAtPercentile(99.9)), ms(nanos.getMaxValue()));
    }

    private static double ms(long nanos) {
        return nanos / NANOS_PER_MS;
    }
}
