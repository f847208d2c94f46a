package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.probe.RedisProbe;
import io.doorstep.loadtest.report.ReportOptions;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.Series;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(abbreviateSynopsis = true, name = "ramp", mixinStandardHelpOptions = true,
        description = "Raise the call arrival rate step by step and find the knee: the first rate where p99 "
                + "request-to-offer exceeds a threshold.")
final class RampCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Mixin
    CallOptions calls;

    @Mixin
    SliceOptions slices;

    @Mixin
    ReportOptions report;

    /** A step kept up with its rate when it completed at least this share of it. */
    private static final double KEPT_UP = 0.98;

    @Option(names = "--rates", split = ",", defaultValue = "50,100,200,300,400,500,600,800,1000",
            description = "Calls per second of each step (default ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--step-duration", defaultValue = "10s", description = "Each step (default ${DEFAULT-VALUE}).")
    Duration stepDuration;

    @Option(names = "--warmup-rate", defaultValue = "200",
            description = "Calls per second during the warm-up (default ${DEFAULT-VALUE}).")
    double warmupRate;

    @Option(names = "--knee", defaultValue = "5ms",
            description = "p99 request-to-offer above this marks the knee (default ${DEFAULT-VALUE}).")
    Duration knee;

    @Option(names = "--give-up-above", defaultValue = "1s",
            description = "Stop once p99 request-to-offer exceeds this: the server is saturated and higher rates "
                    + "only pile up (default ${DEFAULT-VALUE}).")
    Duration giveUp;

    /**
     * Per step: its p99 and throughput (and Redis's cost, on a cluster) as metrics; the knee and the highest rate
     * below it; charts with the rate on the x axis.
     */
    private RunReport report(List<MeasuredPhases.Phase> phases, double acrossNodes) {
        RunReport.Builder b = new RunReport.Builder("ramp");
        b.config("url", target.urls()).config("stations", calls.stations).config("agents", calls.agents)
                .config("talk time", calls.talkTime).config("step", stepDuration).config("knee threshold", knee)
                .config("warm-up", calls.warmup + " at " + warmupRate + "/s");
        b.load("rates", rates);
        double thresholdMs = knee.toNanos() / 1e6;
        b.metric("knee", phases.stream().map(MeasuredPhases.Phase::calls).filter(s -> s.offered().p99() > thresholdMs)
                .mapToDouble(CallReport::rate).findFirst().orElse(Double.NaN), "calls/s", RunReport.Kind.THROUGHPUT);
        b.metric("highest rate under the knee threshold", underKnee(phases, thresholdMs), "calls/s",
                RunReport.Kind.THROUGHPUT);
        b.metric("offers across nodes", acrossNodes, "share", RunReport.Kind.INFO);
        for (MeasuredPhases.Phase p : phases) {
            String step = Reports.format("at %.0f/s: ", p.calls().rate());
            b.metric(step + "request -> offer p99", p.calls().offered().p99(), "ms", RunReport.Kind.LATENCY);
            b.metric(step + "completed calls per second", p.calls().completedPerSecond(), "/s",
                    RunReport.Kind.THROUGHPUT);
            b.metric(step + "errors", p.calls().errorCount(), "", RunReport.Kind.FAULTS);
            Reports.redisMetrics(b, step, p);
        }
        ToDoubleFunction<MeasuredPhases.Phase> rate = p -> p.calls().rate();
        b.chart(Series.latencyChart("request -> offer (ms) by rate", "calls/s offered", phases, rate,
                p -> p.calls().histograms().offered()));
        b.chart(Series.chart("throughput (calls/s) by rate", "calls/s offered", "calls/s", phases, rate,
                Map.of("completed", p -> p.calls().completedPerSecond())));
        b.chart(Series.cpuChart(phases, rate, MeasuredPhases.Phase::cpu));
        return b.build(phases.stream().allMatch(p -> p.calls().errorCount() == 0) ? "ok" : "errors");
    }

    /**
     * The highest rate below the first step over the threshold, among steps that completed (nearly) every call they
     * were offered: the throughput within the latency bound. 0 when even the first step was over it.
     */
    private static double underKnee(List<MeasuredPhases.Phase> phases, double thresholdMs) {
        double best = 0;
        for (MeasuredPhases.Phase p : phases) {
            CallReport step = p.calls();
            if (step.offered().p99() > thresholdMs) {
                break;
            }
            if (step.completedPerSecond() >= KEPT_UP * step.rate()) {
                best = step.rate();
            }
        }
        return best;
    }

    @Override
    public Integer call() throws Exception {
        Credentials credentials = target.credentials();
        List<CallReport> steps = new ArrayList<>();
        List<MeasuredPhases.Phase> measured = new ArrayList<>();
        double acrossNodes;
        try (Fleet fleet = target.fleet(); CallLoad load = new CallLoad(fleet, credentials, calls.settings());
             RedisProbe redis = target.redisProbe()) {
            load.signIn(target.signInTimeout);
            System.out.println(Reports.format("ramp: %d stations, %d agents; %d s per step; talk time %d ms, "
                            + "answer delay %d ms", calls.stations, calls.agents, stepDuration.toSeconds(),
                    calls.talkTime.toMillis(), calls.answerDelay.toMillis()));
            if (!calls.warmup.isZero()) {
                System.out.print(Reports.warmup(load.run(warmupRate, calls.warmup)));
            }
            MeasuredPhases phases = slices.measuredPhases(load, target, redis);
            System.out.println(Reports.rampHeader());
            for (double rate : rates) {
                MeasuredPhases.Phase phase = phases.run(rate, stepDuration);
                CallReport step = phase.calls();
                steps.add(step);
                measured.add(phase);
                System.out.println(Reports.rampRow(phase));
                System.out.print(Reports.redis(phase));
                step.errors().forEach((kind, n) -> System.out.println("          error: " + kind + " x " + n));
                if (step.offered().p99() > giveUp.toNanos() / 1e6) {
                    System.out.println("  stopped: p99 above " + giveUp.toMillis() + " ms");
                    break;
                }
            }
            acrossNodes = load.acrossNodesShare();
        }
        System.out.println(Reports.knee(steps, knee.toNanos() / 1e6));
        return report.publish(report(measured, acrossNodes), 0);
    }
}
