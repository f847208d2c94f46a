package io.doorstep.loadtest.relay;

import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.RunReport.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * One relay benchmark (all its alternated rounds) as the report every load-test scenario writes, so that
 * {@code compare} can hold it against an earlier one. Figures are medians over the rounds. Only our relay's own
 * figures and the ratios ours / coturn are compared (a ratio from the same run does not move when the machine
 * does); coturn's and the ceiling's figures are there to read, as {@link Kind#INFO}.
 */
final class RelayReport {
    static final String SCENARIO = "relay";
    static final String OURS = "ours";
    static final String COTURN = "coturn";
    /** The plain UDP echo on the server's core: the loopback ceiling of that run. */
    static final String CEILING = "echo";
    /** No server at all: the generator's clients and its echo peer straight to each other. */
    static final String DIRECT = "direct";

    private RelayReport() {
    }

    /** The report of the runs of one benchmark; {@code config} holds what the script set (cores, JVM options). */
    static RunReport of(List<ServerRun> runs, Map<String, String> config) {
        RunReport.Builder report = new RunReport.Builder(SCENARIO);
        List<ServerRun> ours = named(runs, OURS);
        List<ServerRun> coturn = named(runs, COTURN);
        if (!coturn.isEmpty()) {
            report.versionOf("coturn", "turnserver", "--version");
        }
        config.forEach(report::config);
        // The generator's settings, the same for every server but the address it was pointed at.
        (ours.isEmpty() ? runs : ours).stream().findFirst().ifPresent(r -> r.settings().forEach((k, v) -> {
            if (!k.equals("server")) {
                report.load(k, v);
            }
        }));
        report.load("rounds", runs.stream().mapToInt(ServerRun::round).max().orElse(0));
        report.load("servers", String.join(", ", runs.stream().map(ServerRun::name).distinct().toList()));
        for (String name : List.of(OURS, COTURN, CEILING, DIRECT)) {
            serverMetrics(report, name, named(runs, name), name.equals(OURS));
            if (!name.equals(DIRECT)) {
                addedLatency(report, name, named(runs, name), named(runs, DIRECT), name.equals(OURS));
            }
        }
        ratios(report, ours, coturn, named(runs, CEILING));
        charts(report, runs);
        report.note("medians over " + ours.size() + " round(s); the charts show each server's first round");
        if (coturn.isEmpty()) {
            report.note("coturn did not run: no ratios ours / coturn");
        }
        return report.build(verdict(ours));
    }

    private static List<ServerRun> named(List<ServerRun> runs, String name) {
        return runs.stream().filter(r -> r.name().equals(name)).toList();
    }

    private static String verdict(List<ServerRun> ours) {
        if (ours.isEmpty()) {
            return "our relay did not run";
        }
        List<String> faults = new ArrayList<>();
        if (ours.stream().anyMatch(r -> r.realistic() != null && r.realistic().loss() > 0)) {
            faults.add("our relay lost packets in the realistic profile");
        }
        if (ours.stream().anyMatch(r -> r.allocate() != null && failedClients(r.allocate()) > 0)) {
            faults.add("allocations failed");
        }
        return faults.isEmpty() ? "ok" : String.join("; ", faults);
    }

    private static long failedClients(AllocateResult a) {
        return a.failed() + a.unfinished();
    }

    /** A server's medians; only ours are compared, the others are for reading. */
    private static void serverMetrics(RunReport.Builder report, String name, List<ServerRun> runs, boolean judged) {
        Kind throughput = judged ? Kind.THROUGHPUT : Kind.INFO;
        Kind cost = judged ? Kind.LATENCY : Kind.INFO;
        Kind faults = judged ? Kind.FAULTS : Kind.INFO;
        metric(report, name + ": saturation, relayed at <= loss threshold", runs, ServerRun::saturation,
                s -> s.maxLossFree() == null ? Double.NaN : s.maxLossFree().forwardedPps(), "pkt/s", throughput);
        metric(report, name + ": saturation, delivered when overloaded", runs, ServerRun::saturation,
                ServerRun.Saturation::peakPps, "pkt/s", throughput);
        metric(report, name + ": saturation, CPU per packet", runs, ServerRun::saturation,
                s -> s.maxLossFree() == null ? Double.NaN : micros(s.maxLossFree().cpuMicrosPerPacket()), "us", cost);
        stepMetrics(report, name + ": realistic", runs, ServerRun::realistic, cost, faults);
        stepMetrics(report, name + ": tcp", runs, ServerRun::tcp, cost, faults);
        metric(report, name + ": allocate + channelbind p50", runs, ServerRun::allocate,
                a -> a.latency().p50(), "us", cost);
        metric(report, name + ": allocate + channelbind p99", runs, ServerRun::allocate,
                a -> a.latency().p99(), "us", cost);
        metric(report, name + ": allocate, failed clients", runs, ServerRun::allocate,
                a -> failedClients(a), "", faults);
    }

    /** A profile of constant load: what was relayed, lost, how long a round trip took, what a packet cost. */
    private static void stepMetrics(RunReport.Builder report, String prefix, List<ServerRun> runs,
                                    Function<ServerRun, StepResult> step, Kind cost, Kind faults) {
        metric(report, prefix + ", relayed", runs, step, StepResult::forwardedPps, "pkt/s", Kind.INFO);
        metric(report, prefix + ", loss", runs, step, s -> 100 * s.loss(), "%", faults);
        metric(report, prefix + ", round trip p50", runs, step, s -> s.rtt().p50(), "us", cost);
        metric(report, prefix + ", round trip p90", runs, step, s -> s.rtt().p90(), "us", cost);
        metric(report, prefix + ", round trip p99", runs, step, s -> s.rtt().p99(), "us", cost);
        metric(report, prefix + ", round trip p99.9", runs, step, s -> s.rtt().p999(), "us", cost);
        metric(report, prefix + ", CPU per packet", runs, step, s -> micros(s.cpuMicrosPerPacket()), "us", cost);
        metric(report, prefix + ", other work on the machine", runs, step, StepResult::otherCores, "cores",
                Kind.INFO);
    }

    /** What a server adds to the direct path's round trip, percentile by percentile, in the realistic profile. */
    private static void addedLatency(RunReport.Builder report, String name, List<ServerRun> server,
                                     List<ServerRun> direct, boolean judged) {
        for (String p : List.of("p50", "p90", "p99")) {
            double through = median(server, ServerRun::realistic, s -> percentile(s.rtt(), p));
            double straight = median(direct, ServerRun::realistic, s -> percentile(s.rtt(), p));
            if (!Double.isNaN(through) && !Double.isNaN(straight)) {
                report.metric(name + ": added latency " + p, through - straight, "us",
                        judged ? Kind.LATENCY : Kind.INFO);
            }
        }
    }

    private static double percentile(StepResult.Latency l, String p) {
        return switch (p) {
            case "p50" -> l.p50();
            case "p90" -> l.p90();
            default -> l.p99();
        };
    }

    /** Ours against coturn and against the ceiling, medians of the same run's rounds. */
    private static void ratios(RunReport.Builder report, List<ServerRun> ours, List<ServerRun> coturn,
                               List<ServerRun> ceiling) {
        ToDoubleFunction<ServerRun.Saturation> maxRate = s -> s.maxLossFree() == null ? Double.NaN
                : s.maxLossFree().forwardedPps();
        ratio(report, "ours / coturn: saturation", ours, coturn, ServerRun::saturation, maxRate, Kind.THROUGHPUT);
        ratio(report, "ours / coturn: delivered when overloaded", ours, coturn, ServerRun::saturation,
                ServerRun.Saturation::peakPps, Kind.THROUGHPUT);
        ratio(report, "ours / coturn: realistic, CPU per packet", ours, coturn, ServerRun::realistic,
                s -> micros(s.cpuMicrosPerPacket()), Kind.LATENCY);
        ratio(report, "ours / coturn: realistic, round trip p99", ours, coturn, ServerRun::realistic,
                s -> s.rtt().p99(), Kind.LATENCY);
        ratio(report, "ours / coturn: tcp, CPU per packet", ours, coturn, ServerRun::tcp,
                s -> micros(s.cpuMicrosPerPacket()), Kind.LATENCY);
        ratio(report, "ours / ceiling: saturation", ours, ceiling, ServerRun::saturation, maxRate, Kind.THROUGHPUT);
    }

    private static <T> void ratio(RunReport.Builder report, String name, List<ServerRun> ours, List<ServerRun> other,
                                  Function<ServerRun, T> part, ToDoubleFunction<T> value, Kind kind) {
        double a = median(ours, part, value);
        double b = median(other, part, value);
        if (!Double.isNaN(a) && !Double.isNaN(b) && b > 0) {
            report.metric(name, a / b, "x", kind);
        }
    }

    /** The median of a part's value over the runs that have the part; no metric when none has it. */
    private static <T> void metric(RunReport.Builder report, String name, List<ServerRun> runs,
                                   Function<ServerRun, T> part, ToDoubleFunction<T> value, String unit, Kind kind) {
        double v = median(runs, part, value);
        if (!Double.isNaN(v)) {
            report.metric(name, v, unit, kind);
        }
    }

    private static <T> double median(List<ServerRun> runs, Function<ServerRun, T> part, ToDoubleFunction<T> value) {
        List<ServerRun> having = runs.stream().filter(r -> part.apply(r) != null).toList();
        return Summary.median(having, r -> value.applyAsDouble(part.apply(r)));
    }

    /** The step results' "unknown" (-1) as NaN, which the report shows as n/a and compare skips. */
    private static double micros(double value) {
        return value < 0 ? Double.NaN : value;
    }

    /** The saturation ramp against the offered rate, and the realistic profile over time, per server. */
    private static void charts(RunReport.Builder report, List<ServerRun> runs) {
        Map<String, ServerRun> first = new LinkedHashMap<>();
        runs.forEach(r -> first.putIfAbsent(r.name(), r));
        Map<String, List<StepResult>> ramps = new LinkedHashMap<>();
        first.forEach((name, r) -> { // the geometric steps only: the k-th asks every server for the same rate
            if (r.saturation() != null) {
                ramps.put(name, r.saturation().steps().stream().filter(s -> !s.label().equals("refine")).toList());
            }
        });
        lineCharts(report, ramps, StepResult::offeredPps, s -> true, "offered pkt/s",
                List.of(new Line<>("Saturation ramp: relayed packets/s", "pkt/s", "", StepResult::forwardedPps),
                        new Line<>("Saturation ramp: round trip", "us", " p50", s -> s.rtt().p50()),
                        new Line<>("Saturation ramp: round trip", "us", " p99", s -> s.rtt().p99())));
        Map<String, List<StepResult.Interval>> timelines = new LinkedHashMap<>();
        first.forEach((name, r) -> {
            if (r.realistic() != null && !r.realistic().timeline().isEmpty()) {
                timelines.put(name, r.realistic().timeline());
            }
        });
        lineCharts(report, timelines, StepResult.Interval::at, i -> i.roundTrips() > 0, "s",
                List.of(new Line<>("Realistic profile: round trip over time", "us", " p50", StepResult.Interval::p50),
                        new Line<>("Realistic profile: round trip over time", "us", " p99", StepResult.Interval::p99),
                        new Line<>("Realistic profile: relayed packets/s over time", "pkt/s", "",
                                StepResult.Interval::forwardedPps)));
    }

    /** A line per server of one chart; lines with the same title share the chart, named server + suffix. */
    private record Line<T>(String title, String yLabel, String suffix, ToDoubleFunction<T> value) {
    }

    /**
     * Charts of points that every server has in the same order (the k-th ramp step, the k-th slice): x from the
     * server with the most points, a gap where a server has no k-th point or it is not {@code known}.
     */
    private static <T> void lineCharts(RunReport.Builder report, Map<String, List<T>> byServer,
                                       ToDoubleFunction<T> x, Predicate<T> known, String xLabel,
                                       List<Line<T>> lines) {
        List<T> longest = byServer.values().stream().max(Comparator.comparingInt(List::size)).orElse(List.of());
        if (longest.isEmpty()) {
            return;
        }
        List<Double> xs = longest.stream().map(x::applyAsDouble).toList();
        Map<String, RunReport.Chart> charts = new LinkedHashMap<>();
        for (Line<T> line : lines) {
            RunReport.Chart chart = charts.computeIfAbsent(line.title(),
                    t -> new RunReport.Chart(t, xLabel, line.yLabel(), xs, new LinkedHashMap<>()));
            byServer.forEach((name, points) -> {
                List<Double> ys = new ArrayList<>(xs.size());
                for (int i = 0; i < xs.size(); i++) {
                    ys.add(i < points.size() && known.test(points.get(i))
                            ? line.value().applyAsDouble(points.get(i)) : Double.NaN);
                }
                chart.lines().put(name + line.suffix(), ys);
            });
        }
        charts.values().forEach(report::chart);
    }
}
