package io.doorstep.loadtest.relay;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one step of constant offered load measured. "Forwarded" packets are those the server under test passed on:
 * through a TURN relay every round trip crosses it twice (client → relay → peer, peer → relay → client), through
 * a plain echo once. Rates are per second of the sending window.
 *
 * @param offeredPps      forwarded packets per second the schedule asked for (no loss)
 * @param sent            packets the clients sent
 * @param echoed          of those, packets the in-process echo peer received (TURN: client → peer leg)
 * @param received        distinct packets back at the clients (loss is counted from their sequence numbers)
 * @param duplicates      packets received twice
 * @param stale           packets of an earlier step that arrived during this one (ignored)
 * @param loss            1 - received / sent
 * @param forwardedPps    packets the server forwarded per second
 * @param rtt             round-trip latency, recorded against each packet's intended send time
 * @param sendLag         how late the generator sent against the schedule: large values mean it could not keep up
 * @param serverCpuMicros the server's utime + stime over the step (and its drain), µs; -1 unknown
 * @param serverRunMicros the same from its threads' schedstat run time (ns resolution); -1 unknown
 * @param coreBusyMicros  busy time of the server's core (elapsed minus idle), µs: the server plus the kernel work
 *                        on its core that no process is charged with (softirq); -1 unknown
 * @param otherCores      cores' worth of CPU that other processes used during the step (disturbance)
 * @param generatorDrops  datagrams dropped at the generator's own sockets (full receive queue)
 * @param otherDrops      datagrams dropped at every other UDP socket, the server's included
 * @param timeline        the round trips by slice of the sending window, for the reports' charts (empty in reports
 *                        written before it was recorded)
 */
public record StepResult(String label, int flows, double offeredPps, double seconds, long sent, long echoed,
                         long received, long duplicates, long stale, double loss, double forwardedPps,
                         Latency rtt, Latency sendLag, double serverCpuMicros, double serverRunMicros,
                         double coreBusyMicros, double otherCores, long generatorDrops, long otherDrops,
                         List<Interval> timeline) {

    public StepResult {
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
    }

    /** Forwarded packets over the step. */
    public long forwarded(int perRoundTrip) {
        return perRoundTrip == 2 ? echoed + received : received;
    }

    /** Server CPU (utime + stime) per forwarded packet, µs; -1 unknown. */
    public double cpuMicrosPerPacket() {
        double packets = forwardedPps * seconds;
        return serverCpuMicros < 0 || packets <= 0 ? -1 : serverCpuMicros / packets;
    }

    public double runMicrosPerPacket() {
        double packets = forwardedPps * seconds;
        return serverRunMicros < 0 || packets <= 0 ? -1 : serverRunMicros / packets;
    }

    public double coreMicrosPerPacket() {
        double packets = forwardedPps * seconds;
        return coreBusyMicros < 0 || packets <= 0 ? -1 : coreBusyMicros / packets;
    }

    /** Share of one core the server used during the step (utime + stime). */
    public double serverCpuShare() {
        return serverCpuMicros < 0 ? -1 : serverCpuMicros / (seconds * 1e6);
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "%-12s flows=%-4d offered=%8.0f pps forwarded=%8.0f pps loss=%6.3f%% rtt p50=%6.1f p99=%7.1f "
                        + "p99.9=%7.1f max=%8.1f us | server cpu %5.1f%% %5.2f us/pkt (core %5.2f) | "
                        + "send lag p99=%6.1f us | drops gen=%d other=%d dup=%d | other work %.2f cores",
                label, flows, offeredPps, forwardedPps, loss * 100, rtt.p50(), rtt.p99(), rtt.p999(), rtt.max(),
                serverCpuShare() * 100, cpuMicrosPerPacket(), coreMicrosPerPacket(),
                sendLag.p99(), generatorDrops, otherDrops, duplicates, otherCores);
    }

    /**
     * One slice of the sending window: the packets sent in it (by intended send time) that came back, as forwarded
     * packets per second, and their round trips in µs (0 when none came back).
     *
     * @param at the slice's end, seconds from the start of the step
     */
    public record Interval(double at, long roundTrips, double forwardedPps, double p50, double p90, double p99) {
    }

    /** Percentiles of a histogram of nanoseconds, in µs. */
    public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(h.getTotalCount(), h.getMean() / 1e3, h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
        }
    }
}
