package io.doorstep.loadtest.calls;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a phase of calls at a fixed rate measured. Latencies are from each call's intended request time: queued
 * (the station has its call.queued), offered (the agent has the call.offer), connected (the station has its
 * call.connected). {@code sendLag} is how late the generator actually sent requests; when it grows, the generator,
 * not the server, is the bottleneck. {@code heartbeat} is the ping-to-pong round trip of every connection: the same
 * path through the server without the call logic.
 */
public record CallReport(double rate, Duration duration, long requested, long completed, long incomplete,
                         Map<String, Long> errors, Histograms histograms) {

    /** The latencies as recorded, in nanoseconds. */
    public record Histograms(Histogram queued, Histogram offered, Histogram connected, Histogram sendLag,
                             Histogram heartbeat) {
        Histograms plus(Histograms o) {
            return new Histograms(sum(queued, o.queued), sum(offered, o.offered), sum(connected, o.connected),
                    sum(sendLag, o.sendLag), sum(heartbeat, o.heartbeat));
        }

        private static Histogram sum(Histogram a, Histogram b) {
            Histogram out = a.copy();
            out.add(b);
            return out;
        }
    }

    public Latency queued() {
        return Latency.of(histograms.queued());
    }

    public Latency offered() {
        return Latency.of(histograms.offered());
    }

    public Latency connected() {
        return Latency.of(histograms.connected());
    }

    public Latency sendLag() {
        return Latency.of(histograms.sendLag());
    }

    public Latency heartbeat() {
        return Latency.of(histograms.heartbeat());
    }

    /** Two phases at the same rate as one. */
    public CallReport plus(CallReport other) {
        Map<String, Long> allErrors = new TreeMap<>(errors);
        other.errors.forEach((kind, n) -> allErrors.merge(kind, n, Long::sum));
        return new CallReport(rate, duration.plus(other.duration), requested + other.requested,
                completed + other.completed, incomplete + other.incomplete, allErrors,
                histograms.plus(other.histograms));
    }

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
