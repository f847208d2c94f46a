package io.doorstep.loadtest.relay;

import io.doorstep.loadtest.report.ReportOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Medians over the alternated runs of each server, as the markdown tables of docs/benchmarks.md, and the
 * issue's goals checked against them: saturation >= 1.25x coturn, CPU per packet <= 0.8x coturn on the realistic
 * profile, p50 within 30 µs of the direct path, p99 no worse than coturn's, TCP client leg CPU per packet <= 1.2x
 * our UDP figure, Allocate + ChannelBind p99 < 2 ms at 500 allocations/s.
 */
@Command(name = "summarize", mixinStandardHelpOptions = true,
        description = {"Medians of the JSON reports in a directory, as markdown, and the run's report (JSON, Markdown, "
                + "HTML with charts) in --report-dir, which compare can hold against an earlier one.",
                "Exit code 0, or " + ReportOptions.REGRESSED + " when --compare-with finds a regression."})
final class Summary implements Callable<Integer> {
    @Parameters(index = "0", description = "Directory with the run reports (*.json).")
    Path dir;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "How the servers were run (cores, JVM "
            + "options), for the report; repeatable.")
    Map<String, String> config = new LinkedHashMap<>();

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws IOException {
        List<ServerRun> reports = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                reports.add(RelayBench.JSON.readValue(f.toFile(), ServerRun.class));
            }
        }
        print(reports, System.out);
        return report.publish(RelayReport.of(reports, config), 0);
    }

    static void print(List<ServerRun> reports, PrintStream out) {
        Map<String, List<ServerRun>> by = new LinkedHashMap<>();
        for (String name : List.of("ours", "coturn", "echo", "direct")) {
            List<ServerRun> runs = reports.stream().filter(r -> r.name().equals(name)).toList();
            if (!runs.isEmpty()) {
                by.put(name, runs);
            }
        }
        reports.stream().map(ServerRun::name).distinct().filter(n -> !by.containsKey(n))
                .forEach(n -> by.put(n, reports.stream().filter(r -> r.name().equals(n)).toList()));

        out.println("### Saturation (few fat flows, loss threshold per step)");
        out.println();
        out.println("| server | runs | max rate at <= 1% loss, forwarded pkt/s (median) | each run | delivered when "
                + "overloaded, pkt/s (median) | each run | server CPU at the max rate | CPU-us/pkt there | "
                + "= pkt/s per core | stopped by | other work, cores |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (var e : by.entrySet()) {
            List<ServerRun> sat = e.getValue().stream().filter(r -> r.saturation() != null
                    && r.saturation().maxLossFree() != null).toList();
            if (sat.isEmpty()) {
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %d | **%,.0f** | %s | %,.0f | %s | %.0f%% | %.2f | %,.0f | %s | %s |%n",
                    e.getKey(), sat.size(), median(sat, r -> r.saturation().maxLossFree().forwardedPps()),
                    each(sat, r -> r.saturation().maxLossFree().forwardedPps(), "%,.0f"),
                    median(sat, r -> r.saturation().peakPps()), each(sat, r -> r.saturation().peakPps(), "%,.0f"),
                    100 * median(sat, r -> r.saturation().maxLossFree().serverCpuShare()),
                    median(sat, r -> r.saturation().maxLossFree().cpuMicrosPerPacket()),
                    1e6 / median(sat, r -> r.saturation().maxLossFree().cpuMicrosPerPacket()),
                    String.join(", ", sat.stream().map(r -> r.saturation().limitedBy()).toList()),
                    each(sat, r -> r.saturation().steps().stream().mapToDouble(StepResult::otherCores).max()
                            .orElse(0), "%.2f"));
        }
        out.println();
        out.println("### Realistic profile (many small flows): CPU per forwarded packet and round-trip latency");
        out.println();
        out.println("| server | runs | forwarded pkt/s | loss | CPU-us/pkt (utime+stime) | each run | "
                + "core busy us/pkt | RTT p50 us | p99 | p99.9 | max | other work, cores |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (var e : by.entrySet()) {
            List<ServerRun> rs = e.getValue().stream().filter(r -> r.realistic() != null).toList();
            if (rs.isEmpty()) {
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.3f%% | **%s** | %s | %s | %.1f | %.1f | %.1f | %.0f | %s |%n",
                    e.getKey(), rs.size(), median(rs, r -> r.realistic().forwardedPps()),
                    100 * median(rs, r -> r.realistic().loss()),
                    num(median(rs, r -> r.realistic().cpuMicrosPerPacket())),
                    each(rs, r -> r.realistic().cpuMicrosPerPacket(), "%.2f"),
                    num(median(rs, r -> r.realistic().coreMicrosPerPacket())),
                    median(rs, r -> r.realistic().rtt().p50()), median(rs, r -> r.realistic().rtt().p99()),
                    median(rs, r -> r.realistic().rtt().p999()), median(rs, r -> r.realistic().rtt().max()),
                    each(rs, r -> r.realistic().otherCores(), "%.2f"));
        }
        out.println();
        allocateAndTcp(by, out);
        goals(by, out);
    }

    /** The allocation-rate profile and the TCP client leg, for the servers that ran them. */
    private static void allocateAndTcp(Map<String, List<ServerRun>> by, PrintStream out) {
        if (by.values().stream().flatMap(List::stream).anyMatch(r -> r.allocate() != null)) {
            out.println("### New clients: due time to ChannelBind success (Allocate, 401, Allocate, CreatePermission, "
                    + "ChannelBind), open loop");
            out.println();
            out.println("| server | runs | rate /s | attempts | failed | p50 us | p90 | p99 | p99.9 | max | "
                    + "server CPU | CPU-us per client (incl. its deletion) | other work, cores |");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (var e : by.entrySet()) {
                List<ServerRun> rs = e.getValue().stream().filter(r -> r.allocate() != null).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s | %.0f | %.0f | **%.0f** | %.0f | %.0f | %.0f%% "
                                + "| %.1f | %s |%n", e.getKey(), rs.size(), median(rs, r -> r.allocate().rate()),
                        median(rs, r -> r.allocate().attempts()),
                        each(rs, r -> r.allocate().failed() + r.allocate().unfinished(), "%.0f"),
                        median(rs, r -> r.allocate().latency().p50()), median(rs, r -> r.allocate().latency().p90()),
                        median(rs, r -> r.allocate().latency().p99()), median(rs, r -> r.allocate().latency().p999()),
                        median(rs, r -> r.allocate().latency().max()),
                        100 * median(rs, r -> r.allocate().serverCpuShare()),
                        median(rs, r -> r.allocate().cpuMicrosPerAllocation()),
                        each(rs, r -> r.allocate().otherCores(), "%.2f"));
            }
            out.println();
        }
        if (by.values().stream().flatMap(List::stream).anyMatch(r -> r.tcp() != null)) {
            out.println("### TCP client leg (realistic profile, clients speak TURN over TCP, relay to the peer over "
                    + "UDP)");
            out.println();
            out.println("| server | runs | forwarded pkt/s | loss | CPU-us/pkt TCP | each run | CPU-us/pkt UDP "
                    + "(same runs) | TCP / UDP | RTT p50 us | p99 | other work, cores |");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            for (var e : by.entrySet()) {
                List<ServerRun> rs = e.getValue().stream().filter(r -> r.tcp() != null).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                double tcp = median(rs, r -> r.tcp().cpuMicrosPerPacket());
                double udp = median(rs, r -> r.realistic() == null ? Double.NaN : r.realistic().cpuMicrosPerPacket());
                out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.3f%% | **%s** | %s | %s | %s | %.1f | %.1f | %s |%n",
                        e.getKey(), rs.size(), median(rs, r -> r.tcp().forwardedPps()),
                        100 * median(rs, r -> r.tcp().loss()), num(tcp),
                        each(rs, r -> r.tcp().cpuMicrosPerPacket(), "%.2f"), num(udp), num(tcp / udp),
                        median(rs, r -> r.tcp().rtt().p50()), median(rs, r -> r.tcp().rtt().p99()),
                        each(rs, r -> r.tcp().otherCores(), "%.2f"));
            }
            out.println();
        }
    }

    private static void goals(Map<String, List<ServerRun>> by, PrintStream out) {
        List<ServerRun> ours = by.getOrDefault("ours", List.of());
        List<ServerRun> coturn = by.getOrDefault("coturn", List.of());
        if (ours.isEmpty() || coturn.isEmpty()) {
            return;
        }
        out.println("### Against the goals of issue 3");
        out.println();
        double satOurs = median(ours, r -> r.saturation() == null || r.saturation().maxLossFree() == null ? Double.NaN
                : r.saturation().maxLossFree().forwardedPps());
        double satCoturn = median(coturn, r -> r.saturation() == null || r.saturation().maxLossFree() == null
                ? Double.NaN : r.saturation().maxLossFree().forwardedPps());
        double cpuOurs = median(ours, r -> r.realistic() == null ? Double.NaN : r.realistic().cpuMicrosPerPacket());
        double cpuCoturn = median(coturn, r -> r.realistic() == null ? Double.NaN
                : r.realistic().cpuMicrosPerPacket());
        double coreOurs = median(ours, r -> r.realistic() == null ? Double.NaN : r.realistic().coreMicrosPerPacket());
        double coreCoturn = median(coturn, r -> r.realistic() == null ? Double.NaN
                : r.realistic().coreMicrosPerPacket());
        double p50Ours = median(ours, r -> r.realistic() == null ? Double.NaN : r.realistic().rtt().p50());
        double p99Ours = median(ours, r -> r.realistic() == null ? Double.NaN : r.realistic().rtt().p99());
        double p99Coturn = median(coturn, r -> r.realistic() == null ? Double.NaN : r.realistic().rtt().p99());
        List<ServerRun> direct = by.getOrDefault("direct", List.of());
        double p50Direct = median(direct, r -> r.realistic() == null ? Double.NaN : r.realistic().rtt().p50());
        out.println("| goal | ours | coturn | ratio / difference | met |");
        out.println("|---|---|---|---|---|");
        if (!Double.isNaN(satOurs) && !Double.isNaN(satCoturn)) {
            saturationGoals(ours, coturn, satOurs, satCoturn, out);
        }
        if (!Double.isNaN(cpuOurs)) {
            out.printf(Locale.ROOT, "| CPU/pkt <= 0.8x coturn (500 flows, utime+stime) | %.2f us | %.2f us | %.2fx | %s |%n",
                    cpuOurs, cpuCoturn, cpuOurs / cpuCoturn, yes(cpuOurs / cpuCoturn <= 0.8));
            out.printf(Locale.ROOT, "| same, busy time of the server's core (incl. softirq) | %.2f us | %.2f us | %.2fx "
                    + "| %s |%n", coreOurs, coreCoturn, coreOurs / coreCoturn, yes(coreOurs / coreCoturn <= 0.8));
        }
        if (!Double.isNaN(p50Direct) && !Double.isNaN(p50Ours)) {
            out.printf(Locale.ROOT, "| RTT p50 within 30 us of the direct path (%.1f us) | %.1f us | %.1f us | "
                            + "+%.1f us | %s |%n", p50Direct, p50Ours,
                    median(coturn, r -> r.realistic() == null ? Double.NaN : r.realistic().rtt().p50()),
                    p50Ours - p50Direct, yes(p50Ours - p50Direct <= 30));
        }
        if (!Double.isNaN(p99Ours)) {
            out.printf(Locale.ROOT, "| RTT p99 no worse than coturn | %.1f us | %.1f us | %+.1f us | %s |%n",
                    p99Ours, p99Coturn, p99Ours - p99Coturn, yes(p99Ours <= p99Coturn));
        }
        otherGoals(ours, coturn, cpuOurs, out);
        out.println();
    }

    private static void saturationGoals(List<ServerRun> ours, List<ServerRun> coturn, double satOurs,
                                        double satCoturn, PrintStream out) {
        out.printf(Locale.ROOT, "| saturation >= 1.25x coturn (max rate at <= 1%% loss) | %,.0f pkt/s | %,.0f pkt/s "
                + "| %.2fx | %s |%n", satOurs, satCoturn, satOurs / satCoturn, yes(satOurs / satCoturn >= 1.25));
        double peakOurs = median(ours, r -> r.saturation() == null ? Double.NaN : r.saturation().peakPps());
        double peakCoturn = median(coturn, r -> r.saturation() == null ? Double.NaN : r.saturation().peakPps());
        out.printf(Locale.ROOT, "| same, delivered when overloaded | %,.0f pkt/s | %,.0f pkt/s | %.2fx | %s |%n",
                peakOurs, peakCoturn, peakOurs / peakCoturn, yes(peakOurs / peakCoturn >= 1.25));
        double satCpuOurs = median(ours, r -> r.saturation() == null || r.saturation().maxLossFree() == null
                ? Double.NaN : r.saturation().maxLossFree().cpuMicrosPerPacket());
        double satCpuCoturn = median(coturn, r -> r.saturation() == null || r.saturation().maxLossFree() == null
                ? Double.NaN : r.saturation().maxLossFree().cpuMicrosPerPacket());
        out.printf(Locale.ROOT, "| same, from CPU per packet at the max rate (1 core / CPU-us per pkt) | %,.0f pkt/s "
                        + "| %,.0f pkt/s | %.2fx | %s |%n", 1e6 / satCpuOurs, 1e6 / satCpuCoturn,
                satCpuCoturn / satCpuOurs, yes(satCpuCoturn / satCpuOurs >= 1.25));
    }

    /** The TCP client leg against our UDP figure, and Allocate + ChannelBind at the allocation rate. */
    private static void otherGoals(List<ServerRun> ours, List<ServerRun> coturn, double cpuOurs, PrintStream out) {
        double tcpOurs = median(ours, r -> r.tcp() == null ? Double.NaN : r.tcp().cpuMicrosPerPacket());
        double tcpCoturn = median(coturn, r -> r.tcp() == null ? Double.NaN : r.tcp().cpuMicrosPerPacket());
        if (!Double.isNaN(tcpOurs)) {
            out.printf(Locale.ROOT, "| TCP client leg: CPU/pkt <= 1.2x our UDP figure (%.2f us) | %.2f us | %s us "
                            + "| %.2fx | %s |%n", cpuOurs, tcpOurs, num(tcpCoturn), tcpOurs / cpuOurs,
                    yes(tcpOurs / cpuOurs <= 1.2));
        }
        double allocOurs = median(ours, r -> r.allocate() == null ? Double.NaN : r.allocate().latency().p99());
        double allocCoturn = median(coturn, r -> r.allocate() == null ? Double.NaN : r.allocate().latency().p99());
        if (!Double.isNaN(allocOurs)) {
            double rate = median(ours, r -> r.allocate() == null ? Double.NaN : r.allocate().rate());
            long failedOurs = ours.stream().filter(r -> r.allocate() != null)
                    .mapToLong(r -> r.allocate().failed() + r.allocate().unfinished()).sum();
            out.printf(Locale.ROOT, "| Allocate + ChannelBind p99 < 2 ms at %.0f/s | %.0f us | %.0f us | %+.0f us "
                            + "| %s |%n", rate, allocOurs, allocCoturn, allocOurs - allocCoturn,
                    yes(allocOurs < 2000 && failedOurs == 0));
        }
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String num(double v) {
        return Double.isNaN(v) || v < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String each(List<ServerRun> runs, ToDoubleFunction<ServerRun> f, String format) {
        return String.join(" / ", runs.stream().map(r -> String.format(Locale.ROOT, format, f.applyAsDouble(r)))
                .toList());
    }

    static double median(List<ServerRun> runs, ToDoubleFunction<ServerRun> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
