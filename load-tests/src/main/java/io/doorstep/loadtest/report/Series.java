package io.doorstep.loadtest.report;

import io.doorstep.loadtest.probe.CpuAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/** Turns measurements into a report's metrics and charts, the same way for every scenario. */
public final class Series {
    private static final double NANOS_PER_MS = 1e6;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private Series() {
    }

    /** p50, p90, p99, p99.9 and max of a latency histogram (nanoseconds) as metrics in ms; NaN when empty. */
    public static void latency(RunReport.Builder report, String name, Histogram nanos) {
        for (double p : PERCENTILES) {
            report.metric(name + " p" + label(p), ms(nanos, nanos.getValueAtPercentile(p)), "ms",
                    RunReport.Kind.LATENCY);
        }
        report.metric(name + " max", ms(nanos, nanos.getMaxValue()), "ms", RunReport.Kind.INFO);
    }

    /** A chart of a latency's p50, p90 and p99 in each of {@code points}. */
    public static <T> RunReport.Chart latencyChart(String title, String xLabel, List<T> points,
                                                   ToDoubleFunction<T> x, Function<T, Histogram> nanos) {
        Map<String, List<Double>> lines = new LinkedHashMap<>();
        for (double p : new double[] {50, 90, 99}) {
            lines.put("p" + label(p), points.stream().map(t -> {
                Histogram h = nanos.apply(t);
                return ms(h, h.getValueAtPercentile(p));
            }).toList());
        }
        return new RunReport.Chart(title, xLabel, "ms", xs(points, x), lines);
    }

    /** A chart of named values of each point. */
    public static <T> RunReport.Chart chart(String title, String xLabel, String yLabel, List<T> points,
                                            ToDoubleFunction<T> x, Map<String, ToDoubleFunction<T>> values) {
        Map<String, List<Double>> lines = new LinkedHashMap<>();
        values.forEach((name, f) -> lines.put(name, points.stream().map(f::applyAsDouble).toList()));
        return new RunReport.Chart(title, xLabel, yLabel, xs(points, x), lines);
    }

    /** Where the CPU went in each point: the server, the generator, other work on the machine (cores). */
    public static <T> RunReport.Chart cpuChart(List<T> points, ToDoubleFunction<T> x,
                                               Function<T, CpuAccount.Usage> cpu) {
        Map<String, ToDoubleFunction<T>> lines = new LinkedHashMap<>();
        lines.put("server", t -> cpu.apply(t).server());
        lines.put("generator", t -> cpu.apply(t).generator());
        lines.put("other work", t -> cpu.apply(t).other());
        return chart("CPU (cores)", "s", "cores", points, x, lines);
    }

    private static <T> List<Double> xs(List<T> points, ToDoubleFunction<T> x) {
        List<Double> out = new ArrayList<>();
        points.forEach(t -> out.add(x.applyAsDouble(t)));
        return out;
    }

    private static double ms(Histogram h, long nanos) {
        return h.getTotalCount() == 0 ? Double.NaN : nanos / NANOS_PER_MS;
    }

    private static String label(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
