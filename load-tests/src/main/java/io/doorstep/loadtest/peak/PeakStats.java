package io.doorstep.loadtest.peak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the district peak measured, written from the clients' event loops and read once per interval: the latencies
 * of that interval (for the charts) and the counts so far.
 */
final class PeakStats {
    private static final int SIGNIFICANT_DIGITS = 3;

    /** Counts of what happened to calls. */
    enum Count {
        /** A station's Poisson arrival came while it was still in a call: one station, one call at a time. */
        ARRIVED_WHILE_BUSY, REQUESTED, QUEUED, OFFERED, CONNECTED, COMPLETED,
        /** The station gave up waiting and cancelled: an abandoned call. */
        ABANDONED,
        /** A station's cancel crossed the agent's accept: the call went on. */
        CANCEL_TOO_LATE,
        /** An agent's accept crossed the station's cancel: the call was gone. */
        ACCEPT_TOO_LATE, WITHIN_SERVICE_LEVEL, DROPPED, RESUMED, PEER_RECONNECTING, OFFERS_WITHDRAWN
    }

    private final Recorder offered = new Recorder(SIGNIFICANT_DIGITS);
    private final Recorder connected = new Recorder(SIGNIFICANT_DIGITS);
    private final Map<Count, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    void count(Count c) {
        counts.computeIfAbsent(c, k -> new LongAdder()).increment();
    }

    long total(Count c) {
        LongAdder a = counts.get(c);
        return a == null ? 0 : a.sum();
    }

    void requested() {
        count(Count.REQUESTED);
        inFlight.incrementAndGet();
    }

    /** Request to offer (at the agent): the wait in the queue, and the server's set-up on top. */
    void offered(long nanos) {
        count(Count.OFFERED);
        offered.recordValue(Math.max(0, nanos));
    }

    /** Request to connected (at the station): what the villager waits, ringing included. */
    void connected(long nanos, boolean withinServiceLevel) {
        count(Count.CONNECTED);
        if (withinServiceLevel) {
            count(Count.WITHIN_SERVICE_LEVEL);
        }
        connected.recordValue(Math.max(0, nanos));
    }

    /** A call is over, however it ended. */
    void ended(Count how) {
        if (how != null) {
            count(how);
        }
        inFlight.decrementAndGet();
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    int inFlight() {
        return inFlight.get();
    }

    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The latencies recorded since the previous call: one interval's. */
    Histograms interval() {
        return new Histograms(offered.getIntervalHistogram(), connected.getIntervalHistogram());
    }

    /** Request-to-offer and request-to-connected latencies, in nanoseconds. */
    record Histograms(Histogram offered, Histogram connected) {
    }
}
