package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.client.Fleet;
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

    private RunReport report(MeasuredPhases.Phase phase) {
        RunReport.Builder b = new RunReport.Builder("district");
        b.config("url", target.url).config("stations", calls.stations).config("agents", calls.agents)
                .config("talk time", calls.talkTime).config("answer delay", calls.answerDelay)
                .config("warm-up", calls.warmup + (warmupRate == null ? "" : " at " + warmupRate + "/s"))
                .config("slice", slices.slice);
        b.load("calls per second", rate).load("measured", duration);
        Reports.metrics(b, phase);
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
        try (Fleet fleet = target.fleet(); CallLoad load = new CallLoad(fleet, credentials, calls.settings())) {
            long start = System.nanoTime();
            load.signIn(target.signInTimeout);
            System.out.println(Reports.format("district: %d stations and %d agents signed in in %.1f s; "
                            + "talk time %d ms, answer delay %d ms", calls.stations, calls.agents,
                    (System.nanoTime() - start) / 1e9, calls.talkTime.toMillis(), calls.answerDelay.toMillis()));
            SwitchboardProbe server = new SwitchboardProbe(target.url);
            if (!calls.warmup.isZero()) {
                // Scraped during the warm-up as Prometheus would, so that the server has compiled its /metrics path
                // before the measured phase, whose first and last scrapes are the probe's.
                try (var scrapes = server.scrapeEvery(Duration.ofSeconds(5))) {
                    System.out.print(Reports.warmup(load.run(warmupRate == null ? rate : warmupRate, calls.warmup)));
                }
            }
            SwitchboardProbe.Snapshot before = server.snapshot();
            MeasuredPhases.Phase phase = slices.measuredPhases(load, target).run(rate, duration);
            String switchboard = server.snapshot().since(before);
            System.out.print(Reports.calls(phase.calls()));
            System.out.print(Reports.cpu(phase));
            System.out.print(switchboard.isEmpty() ? "  server's switchboard histograms: not readable\n"
                    : "  server's switchboard in the measured phase (all slices; messages, share within):\n"
                    + switchboard);
            return report.publish(report(phase), phase.calls().clean() ? 0 : 1);
        }
    }
}
