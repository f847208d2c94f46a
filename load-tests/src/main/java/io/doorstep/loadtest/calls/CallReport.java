package io.doorstep.loadtest.calls;

import java.time.Duration;
import java.util.Map;

/**
 * What one phase of calls at a fixed rate measured. Latencies are from each call's intended request time: queued
 * (the station has its call.queued), offered (the agent has the call.offer), connected (the station has its
 * call.connected). {@code sendLag} is how late the generator actually sent requests; when it grows, the generator,
 * not the server, is the bottleneck.
 */
public record CallReport(double rate, Duration duration, long requested, long completed, long incomplete,
                         Map<String, Long> errors, Latency queued, Latency offered, Latency connected,
                         Latency sendLag) {

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Completed calls per second of the phase. */
    public double completedPerSecond() {
        return completed * 1000.0 / duration.toMillis();
    }

    /** Every call asked for completed normally. */
    public boolean clean() {
        return errors.isEmpty() && incomplete == 0 && completed == requested;
    }
}
