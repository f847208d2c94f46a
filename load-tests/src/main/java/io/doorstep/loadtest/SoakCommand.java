package io.doorstep.loadtest;

import io.doorstep.loadtest.calllog.CallLogAudit;
import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.probe.CpuAccount;
import io.doorstep.loadtest.probe.MemoryProbe;
import io.doorstep.loadtest.probe.ServerGauges;
import io.doorstep.loadtest.report.ReportOptions;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.Series;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(abbreviateSynopsis = true, name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A bounded long run at a steady rate (half the knee): the server's live heap (jcmd "
                + "GC.class_histogram: a full GC and the count in one pause) at every checkpoint (needs "
                + "--server-pid), sessions and calls left in the server when everyone has "
                + "signed out (its /metrics, with metrics.require-auth: false), and whether the call log holds a "
                + "complete record of every call placed (--call-log).",
                "Exit code 0: clean; 1: errors, leaks, heap growth or lost records; 3: regression (--compare-with)."})
final class SoakCommand implements Callable<Integer> {
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);
    private static final long SETTLE_POLL_MS = 100;

    @Option(names = "--rate", defaultValue = "300",
            description = "Calls per second; half the measured knee (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "30m", description = "Length of the soak (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--checkpoint", defaultValue = "1m",
            description = "How often the server's live heap is read (default ${DEFAULT-VALUE}).")
    Duration checkpoint;

    @Option(names = "--max-heap-growth-mb", defaultValue = "10",
            description = "The live heap's floor (lowest reading) in the second half of the checkpoints may be this "
                    + "much above that of the first half (default ${DEFAULT-VALUE}).")
    double maxHeapGrowthMb;

    @Option(names = "--call-log", description = "The server's call log file (default: not audited).")
    Path callLog;

    /** One checkpoint: the calls since the previous one, and the server's live heap (NaN: not read). */
    record Checkpoint(double seconds, CallReport calls, CpuAccount.Usage cpu, double heapMb) {
    }

    @Mixin
    TargetOptions target;

    @Mixin
    CallOptions calls;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        Credentials credentials = target.credentials();
        ServerGauges gauges = new ServerGauges(target.url);
        Optional<ServerGauges.Reading> before = gauges.read();
        CallLogAudit audit = callLog == null ? null : CallLogAudit.mark(callLog);
        MemoryProbe memory = target.serverPid() == null ? null : new MemoryProbe(target.serverPid());
        List<Checkpoint> checkpoints = new ArrayList<>();
        long placed = 0;
        try (Fleet fleet = target.fleet(); CallLoad load = new CallLoad(fleet, credentials, calls.settings())) {
            load.signIn(target.signInTimeout);
            System.out.println(Reports.format("soak: %d stations, %d agents; %.0f calls/s for %d s, checkpoint "
                    + "every %d s", calls.stations, calls.agents, rate, duration.toSeconds(), checkpoint.toSeconds()));
            if (!calls.warmup.isZero()) {
                placed += load.run(rate, calls.warmup).requested();
            }
            placed += run(load, memory, checkpoints);
        }
        Optional<ServerGauges.Reading> after = settle(gauges, before);
        CallLogAudit.Result log = audit == null ? null : audit.audit();
        RunReport run = report(checkpoints, before, after, log, placed);
        run.metrics().forEach((name, m) -> System.out.println(Reports.format("  %-44s %12.3f %s", name, m.value(),
                m.unit())));
        run.notes().forEach(n -> System.out.println("  " + n));
        System.out.println("  verdict: " + run.verdict());
        return report.publish(run, "ok".equals(run.verdict()) ? 0 : 1);
    }

    /** The checkpoints; returns the calls placed. */
    private long run(CallLoad load, MemoryProbe memory, List<Checkpoint> checkpoints) throws Exception {
        long placed = 0;
        long start = System.nanoTime();
        CpuAccount cpu = target.cpuAccount();
        long steps = Math.max(1, (duration.toNanos() + checkpoint.toNanos() - 1) / checkpoint.toNanos());
        for (long i = 0; i < steps; i++) {
            cpu.start();
            CallReport calls = load.run(rate, checkpoint.compareTo(duration) < 0 ? checkpoint : duration);
            CpuAccount.Usage usage = cpu.usage();
            double heap = memory == null ? Double.NaN : memory.liveBytes() / 1e6;
            checkpoints.add(new Checkpoint((System.nanoTime() - start) / 1e9, calls, usage, heap));
            placed += calls.requested();
            System.out.println(Reports.format("  %6.0f s: %d calls, p99 request -> offer %.3f ms, errors %d, "
                    + "server live heap %.1f MB", checkpoints.get(checkpoints.size() - 1).seconds(),
                    calls.completed(), calls.offered().p99(), calls.errorCount(), heap));
        }
        return placed;
    }

    /** The gauges once the server has closed the signed-out sessions (bounded wait), or as they are then. */
    private static Optional<ServerGauges.Reading> settle(ServerGauges gauges, Optional<ServerGauges.Reading> before)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        Optional<ServerGauges.Reading> now = gauges.read();
        while (now.isPresent() && before.isPresent() && System.nanoTime() < deadline
                && (now.get().sessions() > before.get().sessions() || now.get().callsInProgress() > 0)) {
            Thread.sleep(SETTLE_POLL_MS);
            now = gauges.read();
        }
        return now;
    }

    private RunReport report(List<Checkpoint> points, Optional<ServerGauges.Reading> before,
                             Optional<ServerGauges.Reading> after, CallLogAudit.Result log, long placed) {
        RunReport.Builder b = new RunReport.Builder("soak");
        b.config("url", target.url).config("stations", calls.stations).config("agents", calls.agents)
                .config("talk time", calls.talkTime).config("duration", duration).config("checkpoint", checkpoint)
                .config("warm-up", calls.warmup);
        b.load("calls per second", rate).load("calls placed (warm-up included)", placed);
        CallReport all = points.stream().map(Checkpoint::calls).reduce(CallReport::plus).orElseThrow();
        Series.latency(b, "request -> offer", all.histograms().offered());
        Series.latency(b, "request -> connected", all.histograms().connected());
        b.metric("completed calls per second", all.completedPerSecond(), "/s", RunReport.Kind.THROUGHPUT);
        b.metric("errors", all.errorCount(), "", RunReport.Kind.FAULTS);
        List<String> faults = new ArrayList<>();
        if (!all.clean()) {
            faults.add("errors or incomplete calls");
        }
        heap(b, points, faults);
        leaks(b, before, after, faults);
        callLog(b, log, placed, faults);
        charts(b, points);
        return b.build(faults.isEmpty() ? "ok" : String.join("; ", faults));
    }

    /**
     * Growth is the rise of the floor: the lowest reading of the second half of the checkpoints against the lowest of
     * the first half. The server's live heap swings with what it keeps for a while (about 13 MB at 300 calls/s);
     * a leak lifts the lowest readings too, a swing does not.
     */
    private void heap(RunReport.Builder b, List<Checkpoint> points, List<String> faults) {
        if (Double.isNaN(points.get(0).heapMb())) {
            b.note("heap not read: give --server-pid");
            return;
        }
        int half = Math.max(1, points.size() / 2);
        double early = points.subList(0, half).stream().mapToDouble(Checkpoint::heapMb).min().orElseThrow();
        double late = points.subList(points.size() - half, points.size()).stream().mapToDouble(Checkpoint::heapMb)
                .min().orElseThrow();
        b.metric("server live heap, lowest of the first half", early, "MB", RunReport.Kind.INFO);
        b.metric("server live heap, lowest of the second half", late, "MB", RunReport.Kind.INFO);
        b.metric("server live heap growth", late - early, "MB", RunReport.Kind.INFO);
        if (late - early > maxHeapGrowthMb) {
            faults.add(Reports.format("live heap floor rose %.1f MB", late - early));
        }
    }

    private static void leaks(RunReport.Builder b, Optional<ServerGauges.Reading> before,
                              Optional<ServerGauges.Reading> after, List<String> faults) {
        if (before.isEmpty() || after.isEmpty()) {
            b.note("sessions and calls left in the server not read: /metrics not readable "
                    + "(run the server with metrics.require-auth: false)");
            return;
        }
        double sessions = after.get().sessions() - before.get().sessions();
        double calls = after.get().callsInProgress();
        b.metric("sessions left in the server", sessions, "", RunReport.Kind.FAULTS);
        b.metric("calls left in progress", calls, "", RunReport.Kind.FAULTS);
        if (sessions > 0 || calls > 0) {
            faults.add(Reports.format("leaked %.0f sessions, %.0f calls", sessions, calls));
        }
    }

    private static void callLog(RunReport.Builder b, CallLogAudit.Result log, long placed, List<String> faults) {
        if (log == null) {
            b.note("call log not audited: give --call-log");
            return;
        }
        b.metric("call log: calls recorded", log.calls(), "", RunReport.Kind.INFO);
        b.metric("call log: calls missing", Math.max(0, placed - log.calls()), "", RunReport.Kind.FAULTS);
        b.metric("call log: calls without an end", log.unended(), "", RunReport.Kind.FAULTS);
        b.metric("call log: unreadable lines", log.unreadable(), "", RunReport.Kind.FAULTS);
        if (!log.complete(placed)) {
            faults.add("call log incomplete");
        }
    }

    private static void charts(RunReport.Builder b, List<Checkpoint> points) {
        b.chart(Series.latencyChart("request -> offer (ms) per checkpoint", "s", points, Checkpoint::seconds,
                p -> p.calls().histograms().offered()));
        Map<String, ToDoubleFunction<Checkpoint>> heap = new LinkedHashMap<>();
        heap.put("live objects after a full GC", Checkpoint::heapMb);
        b.chart(Series.chart("server live heap (MB)", "s", "MB", points, Checkpoint::seconds, heap));
        Map<String, ToDoubleFunction<Checkpoint>> throughput = new LinkedHashMap<>();
        throughput.put("completed", p -> p.calls().completedPerSecond());
        b.chart(Series.chart("throughput (calls/s)", "s", "calls/s", points, Checkpoint::seconds, throughput));
        b.chart(Series.cpuChart(points, Checkpoint::seconds, Checkpoint::cpu));
    }
}
