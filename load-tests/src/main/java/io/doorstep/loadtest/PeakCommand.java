package io.doorstep.loadtest;

import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.peak.HumanTimes;
import io.doorstep.loadtest.peak.PeakLoad;
import io.doorstep.loadtest.peak.SkillMix;
import io.doorstep.loadtest.probe.MemoryProbe;
import io.doorstep.loadtest.report.ReportOptions;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.Series;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(abbreviateSynopsis = true, name = "district-peak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A district's peak hour, compressed: every station calls as a Poisson process across the "
                + "catalogue's skill groups, agents answer after a human delay, talk for the item's handling time and "
                + "wrap up; some stations give up while queued, some drop and resume. Reports request -> offer, "
                + "request -> connected, service level, abandoned calls, errors, server CPU and heap.",
                "Run the server with its shipped routing (wrap-up, ring timeout, resume grace): the load scales "
                        + "human times by --time-scale, the server's own timers are not scaled."})
final class PeakCommand implements Callable<Integer> {
    @Option(names = "--stations", defaultValue = "1310", description = "Stations (default ${DEFAULT-VALUE}).")
    int stations;

    @Option(names = "--agents", defaultValue = "300", description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--calls-per-station-hour", defaultValue = "1.0",
            description = "Each station's Poisson rate in the peak hour, real time (default ${DEFAULT-VALUE}).")
    double callsPerStationHour;

    @Option(names = "--time-scale", defaultValue = "20",
            description = "How many times faster than life: arrivals are multiplied, human times divided by it; "
                    + "20 replays an hour in 3 minutes (default ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(names = "--duration", defaultValue = "3m",
            description = "How long arrivals go on, run time (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--interval", defaultValue = "10s",
            description = "Sampling interval of the charts, run time (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--answer-p5", defaultValue = "2s",
            description = "Agent's answer delay, 5th percentile, real time; lognormal (default ${DEFAULT-VALUE}).")
    Duration answerP5;

    @Option(names = "--answer-p95", defaultValue = "8s",
            description = "Agent's answer delay, 95th percentile, real time (default ${DEFAULT-VALUE}).")
    Duration answerP95;

    @Option(names = "--handling-sigma", defaultValue = "0.5",
            description = "Spread of handling times: lognormal sigma around the catalogue's handling-minutes of the "
                    + "item, its median (default ${DEFAULT-VALUE}).")
    double handlingSigma;

    @Option(names = "--wrap-up", defaultValue = "30s",
            description = "Agent's after-call work, real time (default ${DEFAULT-VALUE}).")
    Duration wrapUp;

    @Option(names = "--patience", defaultValue = "5m",
            description = "Mean time a station waits in the queue before it cancels, real time; exponential "
                    + "(default ${DEFAULT-VALUE}).")
    Duration patience;

    @Option(names = "--drop-share", defaultValue = "0.02",
            description = "Share of connected calls in which the station's connection drops and resumes "
                    + "(default ${DEFAULT-VALUE}).")
    double dropShare;

    @Option(names = "--reconnect-after", defaultValue = "2s",
            description = "How long a dropped station stays off the network, not scaled: the server's resume grace "
                    + "is real time (default ${DEFAULT-VALUE}).")
    Duration reconnectAfter;

    @Option(names = "--service-level", defaultValue = "60s",
            description = "Service level target, real time: the share of calls connected within it, abandoned "
                    + "calls counting against (default ${DEFAULT-VALUE}).")
    Duration serviceLevel;

    @Option(names = "--group-shares", split = ",", paramLabel = "GROUP=SHARE",
            description = "Share of calls per skill group (relative weights); default: a rural district's mix, "
                    + "medical insurance heaviest.")
    Map<String, Double> groupShares;

    @Option(names = "--drain-timeout", defaultValue = "2m",
            description = "How long to wait for the calls in progress after the last arrival "
                    + "(default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TargetOptions target;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        Credentials credentials = target.credentials();
        HumanTimes times = new HumanTimes(answerP5, answerP95, handlingSigma, wrapUp, patience, dropShare,
                reconnectAfter, timeScale);
        PeakLoad.Settings settings = new PeakLoad.Settings(stations, agents, callsPerStationHour, times,
                groupShares == null ? SkillMix.DEFAULT_SHARES : groupShares, serviceLevel, seed);
        MemoryProbe memory = target.serverPid() == null ? null : new MemoryProbe(target.serverPid());
        try (Fleet fleet = target.fleet(); PeakLoad load = new PeakLoad(fleet, credentials, settings)) {
            load.signIn(target.signInTimeout);
            double occupancy = settings.arrivalsPerSecond() * 60 * load.mix().meanMinutes() / timeScale / agents;
            System.out.println(Reports.format("district-peak: %d stations, %d agents signed in; %.2f calls/s "
                    + "(%.1f per station-hour x %.0f), offered agent occupancy %.0f %% before wrap-up", stations,
                    agents, settings.arrivalsPerSecond(), callsPerStationHour, timeScale, 100 * occupancy));
            long heapBefore = memory == null ? -1 : memory.heapUsedAfterFullGc();
            PeakLoad.Result result = load.run(duration, interval, drainTimeout, target.cpuAccount(),
                    i -> System.out.println(Reports.format("  %6.0f s: requested %d, completed %d, abandoned %d, "
                                    + "p99 request -> offer %.1f ms, in progress %d", i.endSeconds(), i.requested(),
                            i.completed(), i.abandoned(), i.offered().getValueAtPercentile(99) / 1e6,
                            load.inFlight())));
            long heapAfter = memory == null ? -1 : memory.heapUsedAfterFullGc();
            RunReport run = report(settings, load.mix(), result, heapBefore, heapAfter);
            run.metrics().forEach((name, m) -> System.out.println(Reports.format("  %-40s %12.3f %s", name,
                    m.value(), m.unit())));
            result.errors().forEach((kind, n) -> System.out.println("  error: " + kind + " x " + n));
            return report.publish(run, "ok".equals(run.verdict()) ? 0 : 1);
        }
    }

    private RunReport report(PeakLoad.Settings settings, SkillMix mix, PeakLoad.Result r, long heapBefore,
                             long heapAfter) {
        RunReport.Builder b = new RunReport.Builder("district-peak");
        config(b);
        b.load("arrivals per second (run time)", Reports.format("%.3f", settings.arrivalsPerSecond()));
        b.load("skill group shares", mix.shares().toString());
        b.load("mean typical handling minutes", Reports.format("%.1f", mix.meanMinutes()));
        Series.latency(b, "request -> offer", r.offered());
        Series.latency(b, "request -> connected", r.connected());
        long answered = r.count("connected");
        long abandoned = r.count("abandoned");
        double seconds = r.intervals().isEmpty() ? 0 : r.intervals().get(r.intervals().size() - 1).endSeconds();
        b.metric("completed calls per second", seconds == 0 ? 0 : r.count("completed") / seconds, "/s",
                RunReport.Kind.THROUGHPUT);
        b.metric("service level", answered + abandoned == 0 ? Double.NaN
                : 100.0 * r.count("within_service_level") / (answered + abandoned), "%", RunReport.Kind.THROUGHPUT);
        b.metric("abandoned", answered + abandoned == 0 ? 0 : 100.0 * abandoned / (answered + abandoned), "%",
                RunReport.Kind.LATENCY);
        r.counts().forEach((name, n) -> b.metric("calls " + name.replace('_', ' '), n, "", RunReport.Kind.INFO));
        b.metric("errors", r.errors().values().stream().mapToLong(Long::longValue).sum(), "", RunReport.Kind.FAULTS);
        b.metric("calls incomplete at the end", r.incomplete(), "", RunReport.Kind.FAULTS);
        if (target.serverPid() != null) {
            double serverCpu = r.intervals().stream().mapToDouble(i -> i.cpu().serverCpu().toNanos()).sum();
            b.metric("server CPU per completed call", r.count("completed") == 0 ? Double.NaN
                    : serverCpu / 1e3 / r.count("completed"), "us", RunReport.Kind.LATENCY);
            b.metric("server heap after full GC, before", heapBefore / 1e6, "MB", RunReport.Kind.INFO);
            b.metric("server heap after full GC, after", heapAfter / 1e6, "MB", RunReport.Kind.INFO);
        } else {
            b.note("server CPU and heap not read: give --server-pid");
        }
        r.errors().forEach((kind, n) -> b.note("error: " + kind + " x " + n));
        charts(b, r);
        boolean clean = r.errors().isEmpty() && r.incomplete() == 0;
        return b.build(clean ? "ok" : "errors or incomplete calls");
    }

    private static void charts(RunReport.Builder b, PeakLoad.Result r) {
        b.chart(Series.latencyChart("request -> offer (ms) per interval", "s", r.intervals(),
                PeakLoad.Interval::endSeconds, PeakLoad.Interval::offered));
        b.chart(Series.latencyChart("request -> connected (ms) per interval", "s", r.intervals(),
                PeakLoad.Interval::endSeconds, PeakLoad.Interval::connected));
        Map<String, java.util.function.ToDoubleFunction<PeakLoad.Interval>> calls = new LinkedHashMap<>();
        calls.put("requested", i -> i.perSecond(i.requested()));
        calls.put("completed", i -> i.perSecond(i.completed()));
        calls.put("abandoned", i -> i.perSecond(i.abandoned()));
        b.chart(Series.chart("throughput (calls/s, run time)", "s", "calls/s", r.intervals(),
                PeakLoad.Interval::endSeconds, calls));
        b.chart(Series.cpuChart(r.intervals(), PeakLoad.Interval::endSeconds, PeakLoad.Interval::cpu));
    }

    private void config(RunReport.Builder b) {
        b.config("url", target.url).config("stations", stations).config("agents", agents)
                .config("calls per station-hour", callsPerStationHour).config("time scale", timeScale)
                .config("duration", duration).config("interval", interval)
                .config("answer delay p5..p95", answerP5 + ".." + answerP95).config("handling sigma", handlingSigma)
                .config("wrap-up", wrapUp).config("patience (mean)", patience).config("drop share", dropShare)
                .config("reconnect after", reconnectAfter).config("service level target", serviceLevel)
                .config("seed", seed);
    }
}
