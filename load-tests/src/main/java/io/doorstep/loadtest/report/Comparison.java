package io.doorstep.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run against an earlier one: every metric both have, with its change, and the regressions among them. A
 * latency regresses when it rises by more than the latency margin, a throughput when it falls by more than the
 * throughput margin, a fault count when it rises at all.
 */
public record Comparison(List<String> lines, List<String> regressions) {

    /** Margins as fractions: 0.20 for +20 %. */
    public record Margins(double latency, double throughput) {
        public static final Margins DEFAULT = new Margins(0.20, 0.10);
    }

    public static Comparison of(RunReport baseline, RunReport current, Margins margins) {
        List<String> lines = new ArrayList<>();
        List<String> regressions = new ArrayList<>();
        if (!baseline.scenario().equals(current.scenario())) {
            regressions.add("different scenarios: " + baseline.scenario() + " and " + current.scenario());
        }
        for (Map.Entry<String, RunReport.Metric> e : current.metrics().entrySet()) {
            RunReport.Metric before = baseline.metrics().get(e.getKey());
            RunReport.Metric now = e.getValue();
            if (before == null || now.kind() == RunReport.Kind.INFO
                    || Double.isNaN(before.value()) || Double.isNaN(now.value())) {
                continue;
            }
            boolean regressed = regressed(now.kind(), before.value(), now.value(), margins);
            String line = String.format(Locale.ROOT, "%-44s %12.3f -> %12.3f %-6s %8s%s", e.getKey(),
                    before.value(), now.value(), now.unit(), change(before.value(), now.value()),
                    regressed ? "  REGRESSION" : "");
            lines.add(line);
            if (regressed) {
                regressions.add(line.trim());
            }
        }
        return new Comparison(lines, regressions);
    }

    /** The margin is a share of the earlier value's size, so a figure that may be negative (a difference) works too. */
    private static boolean regressed(RunReport.Kind kind, double before, double now, Margins margins) {
        return switch (kind) {
            case LATENCY -> now - before > Math.abs(before) * margins.latency();
            case THROUGHPUT -> before - now > Math.abs(before) * margins.throughput();
            case FAULTS -> now > before;
            case INFO -> false;
        };
    }

    private static String change(double before, double now) {
        return before == 0 ? (now == 0 ? "=" : "new") : String.format(Locale.ROOT, "%+.1f%%", 100 * (now - before)
                / before);
    }

    public boolean regressed() {
        return !regressions.isEmpty();
    }

    /** The comparison as text: every metric, then the verdict. */
    public String text(Margins margins) {
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append("  ").append(l).append('\n'));
        out.append(String.format(Locale.ROOT, "%s (margins: latency +%.0f%%, throughput -%.0f%%, faults +0)%n",
                regressed() ? regressions.size() + " REGRESSION(S)" : "no regression", 100 * margins.latency(),
                100 * margins.throughput()));
        return out.toString();
    }
}
