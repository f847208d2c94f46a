package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.calls.Latency;
import io.doorstep.loadtest.probe.CpuAccount;
import io.doorstep.loadtest.probe.RedisMonitor;
import io.doorstep.loadtest.probe.RedisProbe;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.Series;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Plain-text results, laid out to paste into docs/benchmarks.md. */
final class Reports {
    private Reports() {
    }

    static String calls(CallReport r) {
        StringBuilder out = new StringBuilder();
        out.append(format("  calls at %.0f/s for %d s: requested %d, completed %d (%.1f/s), incomplete %d, "
                        + "errors %d%n", r.rate(), r.duration().toSeconds(), r.requested(), r.completed(),
                r.completedPerSecond(), r.incomplete(), r.errorCount()));
        out.append(format("  %-34s %8s %8s %8s %8s %8s %8s%n", "latency from intended request (ms)", "p50", "p90",
                "p99", "p99.9", "max", "count"));
        latencyRow(out, "request -> queued (at station)", r.queued());
        latencyRow(out, "request -> offer (at agent)", r.offered());
        latencyRow(out, "request -> connected (at station)", r.connected());
        latencyRow(out, "generator send lag", r.sendLag());
        out.append(format("  %-34s%n", "for comparison, without call logic:"));
        latencyRow(out, "heartbeat ping -> pong", r.heartbeat());
        r.errors().forEach((kind, n) -> out.append(format("  error: %s x %d%n", kind, n)));
        return out.toString();
    }

    /** The warm-up, which is not measured, in one line, and what went wrong in it. */
    static String warmup(CallReport w) {
        StringBuilder out = new StringBuilder(format("warm-up at %.0f/s for %d s: %d calls completed, %d errors "
                + "(not measured)%n", w.rate(), w.duration().toSeconds(), w.completed(), w.errorCount()));
        w.errors().forEach((kind, n) -> out.append(format("  warm-up error: %s x %d%n", kind, n)));
        return out.toString();
    }

    private static void latencyRow(StringBuilder out, String name, Latency l) {
        out.append(format("  %-34s %8.3f %8.3f %8.3f %8.3f %8.3f %8d%n", name, l.p50(), l.p90(), l.p99(), l.p999(),
                l.max(), l.count()));
    }

    static String rampHeader() {
        return format("  %7s %7s | %-44s | %9s %9s %9s | %-13s | %6s %10s%n"
                        + "  %7s %7s | %8s %8s %8s %8s %8s | %9s %9s %9s | %6s %6s | %6s %10s",
                "rate", "done", "request -> offer at agent (ms)", "connected", "ping-pong", "send lag", "cores",
                "errors", "incomplete", "/s", "/s", "p50", "p90", "p99", "p99.9", "max", "p99 (ms)", "p99 (ms)",
                "p99 (ms)", "server", "other", "", "");
    }

    /** One step; one measured on a disturbed machine is marked. */
    static String rampRow(MeasuredPhases.Phase phase) {
        CallReport r = phase.calls();
        Latency o = r.offered();
        return format("  %7.0f %7.1f | %8.3f %8.3f %8.3f %8.3f %8.3f | %9.3f %9.3f %9.3f | %6.2f %6.2f | %6d %10d%s",
                r.rate(), r.completedPerSecond(), o.p50(), o.p90(), o.p99(), o.p999(), o.max(), r.connected().p99(),
                r.heartbeat().p99(), r.sendLag().p99(), phase.cpu().server(), phase.cpu().other(), r.errorCount(),
                r.incomplete(), phase.disturbed() ? "  DISTURBED" : "");
    }

    /**
     * The knee: the first step whose p99 request-to-offer exceeds the threshold. On a machine shared with other work
     * one noisy step can cross it early, so the rate from which every step stays above is given too when it differs.
     */
    static String knee(List<CallReport> steps, double p99ThresholdMs) {
        Optional<CallReport> first = steps.stream().filter(s -> above(s, p99ThresholdMs)).findFirst();
        if (first.isEmpty()) {
            return format("knee: none up to %.0f calls/s (p99 request -> offer stayed <= %.0f ms)",
                    steps.get(steps.size() - 1).rate(), p99ThresholdMs);
        }
        String out = format("knee: %.0f calls/s (first step with p99 request -> offer > %.0f ms: %.3f ms)",
                first.get().rate(), p99ThresholdMs, first.get().offered().p99());
        int sustained = steps.size();
        while (sustained > 0 && above(steps.get(sustained - 1), p99ThresholdMs)) {
            sustained--;
        }
        if (sustained < steps.size() && steps.get(sustained) != first.get()) {
            out += format("%n      above %.0f ms at every step from %.0f calls/s on", p99ThresholdMs,
                    steps.get(sustained).rate());
        }
        return out;
    }

    private static boolean above(CallReport step, double p99ThresholdMs) {
        return step.offered().p99() > p99ThresholdMs;
    }

    static String mb(long bytes) {
        return format("%.1f MB", bytes / 1e6);
    }

    static String kb(long bytes) {
        return format("%.1f KB", bytes / 1e3);
    }

    /** Where the CPU went during a phase, and the server's CPU time per completed call. */
    static String cpu(MeasuredPhases.Phase phase) {
        CpuAccount.Usage cpu = phase.cpu();
        long completed = phase.calls().completed();
        return format("  cpu (cores): server %.2f (%.0f us per completed call), generator %.2f, other work %.2f, "
                        + "stolen by the hypervisor %.3f%n"
                        + "  measured over %d of %d slices%s%n", cpu.server(),
                completed == 0 ? 0 : cpu.serverCpu().toNanos() / 1e3 / completed, cpu.generator(), cpu.other(),
                cpu.stolen(),
                phase.kept(), phase.run(), phase.disturbed() ? " (ALL DISTURBED by other work: not a clean figure)"
                        : phase.kept() < phase.run() ? " (the others were disturbed by other work)" : "");
    }

    /** A phase's figures as a report's metrics: its latencies, throughput, faults and the server's CPU. */
    static void metrics(RunReport.Builder report, MeasuredPhases.Phase phase) {
        CallReport r = phase.calls();
        Series.latency(report, "request -> queued", r.histograms().queued());
        Series.latency(report, "request -> offer", r.histograms().offered());
        Series.latency(report, "request -> connected", r.histograms().connected());
        Series.latency(report, "generator send lag", r.histograms().sendLag());
        Series.latency(report, "heartbeat ping -> pong", r.histograms().heartbeat());
        report.metric("completed calls per second", r.completedPerSecond(), "/s", RunReport.Kind.THROUGHPUT);
        report.metric("errors", r.errorCount(), "", RunReport.Kind.FAULTS);
        report.metric("calls incomplete", r.incomplete(), "", RunReport.Kind.FAULTS);
        report.metric("server cores", phase.cpu().server(), "cores", RunReport.Kind.LATENCY);
        report.metric("other work on the machine", phase.cpu().other(), "cores", RunReport.Kind.INFO);
        report.metric("slices measured", phase.kept(), "", RunReport.Kind.INFO);
        report.metric("slices run", phase.run(), "", RunReport.Kind.INFO);
        r.errors().forEach((kind, n) -> report.note("error: " + kind + " x " + n));
        if (phase.disturbed()) {
            report.note("every slice was disturbed by other work on the machine: not a clean figure");
        }
        redisMetrics(report, "", phase);
    }

    /**
     * What Redis did per completed call in a phase, if it was measured (a cluster): commands in all (the round trips)
     * and by command, and Redis's CPU. Names start with {@code prefix} (a ramp's step).
     */
    static void redisMetrics(RunReport.Builder report, String prefix, MeasuredPhases.Phase phase) {
        RedisProbe.Usage redis = phase.redis();
        if (redis == null) {
            return;
        }
        long calls = phase.completedInAllSlices();
        report.metric(prefix + "redis commands executed per call", RedisProbe.Usage.per(redis.total(), calls), "",
                RunReport.Kind.LATENCY);
        redis.commands().forEach((name, n) -> report.metric(prefix + "redis executed " + name + " per call",
                RedisProbe.Usage.per(n, calls), "", RunReport.Kind.INFO));
        report.metric(prefix + "redis cpu per call", RedisProbe.Usage.per(redis.cpuSeconds() * 1e6, calls), "us",
                RunReport.Kind.LATENCY);
        report.metric(prefix + "redis cores", redis.cores(), "cores", RunReport.Kind.INFO);
    }

    /** The round trips counted with MONITOR over {@code calls} completed calls, as metrics. */
    static void roundTripMetrics(RunReport.Builder report, RedisMonitor.Counts counts, long calls) {
        report.metric("redis round trips per call", RedisProbe.Usage.per(counts.total(), calls), "",
                RunReport.Kind.LATENCY);
        counts.roundTrips().forEach((name, n) -> report.metric("redis round trips: " + name + " per call",
                RedisProbe.Usage.per(n, calls), "", RunReport.Kind.INFO));
        report.metric("redis commands run by scripts per call", RedisProbe.Usage.per(counts.totalInScripts(), calls),
                "", RunReport.Kind.INFO);
        report.metric("redis round trips counted over calls", calls, "", RunReport.Kind.INFO);
    }

    /** The round trips in one line. */
    static String roundTrips(RedisMonitor.Counts counts, long calls) {
        StringBuilder out = new StringBuilder(format("  redis round trips (MONITOR, %d calls): %.1f per call",
                calls, RedisProbe.Usage.per(counts.total(), calls)));
        counts.roundTrips().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(format(", %s %.2f", e.getKey(), RedisProbe.Usage.per(e.getValue(), calls))));
        return out.append(format("; the scripts ran %.1f commands per call inside Redis%n",
                RedisProbe.Usage.per(counts.totalInScripts(), calls))).toString();
    }

    /** A phase's Redis cost in one line, when it was measured. */
    static String redis(MeasuredPhases.Phase phase) {
        return phase.redis() == null ? "" : "  redis, all commands executed (INFO; background taken off): "
                + phase.redis().perCall(phase.completedInAllSlices()) + "\n";
    }

    /** The Redis background, measured before the calls. */
    static String redisBackground(RedisProbe.Usage idle) {
        return format("redis with no calls (taken off every phase): %.1f commands/s, %.3f cores over %d s%n",
                idle.rate(), idle.cores(), idle.wall().toSeconds());
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
