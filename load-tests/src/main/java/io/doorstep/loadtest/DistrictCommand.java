package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.probe.RedisMonitor;
import io.doorstep.loadtest.probe.RedisProbe;
import io.doorstep.loadtest.probe.SwitchboardProbe;
import io.doorstep.loadtest.report.ReportOptions;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.Series;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(abbreviateSynopsis = true, name = "district", mixinStandardHelpOptions = true,
        description = "A district's stations and agents signed in, calls arriving at a fixed rate: set-up latency.")
final class DistrictCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Mixin
    CallOptions calls;

    @Mixin
    SliceOptions slices;

    @Mixin
    ReportOptions report;

    @Option(names = "--rate", defaultValue = "50", description = "Calls per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "60s", description = "Measured time (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup-rate", description = "Calls per second during the warm-up (default: --rate). Higher "
            + "than the measured rate so the server's JIT reaches its optimising tier for the per-call methods "
            + "(thousands of calls) before measuring, not during it.")
    Double warmupRate;

    @Option(names = "--round-trip-phase", defaultValue = "5s",
            description = "With --redis and --redis-key-prefix: after the measured phase, calls at the same rate for "
                    + "this long with Redis's MONITOR on, to count round trips per call (default ${DEFAULT-VALUE}).")
    Duration roundTripPhase;

    private RunReport report(MeasuredPhases.Phase phase, double acrossNodes, RoundTrips roundTrips) {
        RunReport.Builder b = new RunReport.Builder("district");
        b.config("url", target.urls()).config("stations", calls.stations).config("agents", calls.agents)
                .config("talk time", calls.talkTime).config("answer delay", calls.answerDelay)
                .config("warm-up", calls.warmup + (warmupRate == null ? "" : " at " + warmupRate + "/s"))
                .config("slice", slices.slice);
        b.load("calls per second", rate).load("measured", duration);
        Reports.metrics(b, phase);
        b.metric("offers across nodes", acrossNodes, "share", RunReport.Kind.INFO);
        if (roundTrips != null) {
            Reports.roundTripMetrics(b, roundTrips.counts(), roundTrips.calls());
        }
        List<MeasuredPhases.Slice> s = phase.slices();
        double sliceSeconds = slices.slice.compareTo(duration) < 0 ? slices.slice.toSeconds() : duration.toSeconds();
        ToDoubleFunction<MeasuredPhases.Slice> end = x -> (s.indexOf(x) + 1) * sliceSeconds;
        b.chart(Series.latencyChart("request -> offer (ms) per slice", "s", s, end, x -> x.calls().histograms()
                .offered()));
        b.chart(Series.chart("throughput (calls/s)", "s", "calls/s", s, end,
                Map.of("completed", x -> x.calls().completedPerSecond())));
        b.chart(Series.cpuChart(s, end, MeasuredPhases.Slice::cpu));
        return b.build(phase.calls().clean() ? "ok" : "errors or incomplete calls");
    }

    @Override
    public Integer call() throws Exception {
        Credentials credentials = target.credentials();
        try (Fleet fleet = target.fleet(); CallLoad load = new CallLoad(fleet, credentials, calls.settings());
             RedisProbe redis = target.redisProbe()) {
            long start = System.nanoTime();
            load.signIn(target.signInTimeout);
            System.out.println(Reports.format("district: %d stations and %d agents signed in in %.1f s; "
                            + "talk time %d ms, answer delay %d ms", calls.stations, calls.agents,
                    (System.nanoTime() - start) / 1e9, calls.talkTime.toMillis(), calls.answerDelay.toMillis()));
            SwitchboardProbe server = new SwitchboardProbe(target.urls().get(0));
            if (!calls.warmup.isZero()) {
                // Scraped during the warm-up as Prometheus would, so that the server has compiled its /metrics path
                // before the measured phase, whose first and last scrapes are the probe's.
                try (var scrapes = server.scrapeEvery(Duration.ofSeconds(5))) {
                    System.out.print(Reports.warmup(load.run(warmupRate == null ? rate : warmupRate, calls.warmup)));
                }
            }
            SwitchboardProbe.Snapshot before = server.snapshot();
            MeasuredPhases.Phase phase = slices.measuredPhases(load, target, redis).run(rate, duration);
            String switchboard = server.snapshot().since(before);
            System.out.print(Reports.calls(phase.calls()));
            System.out.print(Reports.cpu(phase));
            System.out.print(Reports.redis(phase));
            RoundTrips roundTrips = redis == null || target.redisKeyPrefix == null ? null : countRoundTrips(load);
            if (roundTrips != null) {
                System.out.print(Reports.roundTrips(roundTrips.counts(), roundTrips.calls()));
            }
            if (fleet.nodes() > 1) {
                System.out.println(Reports.format("  offers across nodes: %.0f %% (station and agent on different "
                        + "nodes; %d nodes)", 100 * load.acrossNodesShare(), fleet.nodes()));
            }
            System.out.print(switchboard.isEmpty() ? "  server's switchboard histograms: not readable\n"
                    : "  server's switchboard in the measured phase (all slices; messages, share within):\n"
                    + switchboard);
            return report.publish(report(phase, load.acrossNodesShare(), roundTrips), phase.calls().clean() ? 0 : 1);
        }
    }

    /** Round trips counted over {@code calls} completed calls. */
    private record RoundTrips(RedisMonitor.Counts counts, long calls) {
    }

    /** Calls at the measured rate with MONITOR on (never during the latency measurement: it slows Redis down). */
    private RoundTrips countRoundTrips(CallLoad load) throws InterruptedException {
        try (RedisMonitor monitor = new RedisMonitor(target.redis, target.redisKeyPrefix)) {
            CallReport calls = load.run(rate, roundTripPhase);
            return new RoundTrips(monitor.stop(), calls.completed());
        }
    }
}
