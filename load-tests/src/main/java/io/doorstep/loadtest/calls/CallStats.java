package io.doorstep.loadtest.calls;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Latencies and counts of calls, written from any event loop thread and read once per phase. HdrHistogram
 * recorders give each phase its own interval histogram without stopping the writers.
 */
final class CallStats {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder queued = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder offered = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder connected = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder sendLag = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder heartbeat = new Recorder(SIGNIFICANT_DIGITS);
    private final LongAdder requested = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    /** Calls requested and not yet ended; not per phase, since a phase waits for it to reach zero. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /** A call handed to a station; counted by the pacer, so a phase never ends before its last call is counted. */
    void requested() {
        requested.increment();
        inFlight.incrementAndGet();
    }

    /** How late the station actually sent a request. */
    void sent(long lagNanos) {
        sendLag.recordValue(Math.max(0, lagNanos));
    }

    void queued(long nanos) {
        queued.recordValue(nanos);
    }

    void offered(long nanos) {
        offered.recordValue(nanos);
    }

    void connected(long nanos) {
        connected.recordValue(nanos);
    }

    void heartbeat(long roundTripNanos) {
        heartbeat.recordValue(roundTripNanos);
    }

    /** A call ended (normally or not); its station is free again. */
    void ended(boolean normally) {
        if (normally) {
            completed.increment();
        }
        inFlight.decrementAndGet();
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Forgets what was recorded so far: the next report covers only what follows. */
    void startPhase() {
        report(0, Duration.ZERO);
    }

    /** What was recorded since the last report (or phase start); starts the next interval. */
    CallReport report(double rate, Duration duration) {
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, count) -> {
            long n = count.sumThenReset();
            if (n > 0) {
                errorCounts.put(kind, n);
            }
        });
        return new CallReport(rate, duration, requested.sumThenReset(), completed.sumThenReset(), inFlight.get(),
                errorCounts, new CallReport.Histograms(queued.getIntervalHistogram(), offered.getIntervalHistogram(),
                connected.getIntervalHistogram(), sendLag.getIntervalHistogram(), heartbeat.getIntervalHistogram()));
    }
}
