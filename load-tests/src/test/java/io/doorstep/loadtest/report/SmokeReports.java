package io.doorstep.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.SignallingBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every scenario's smoke test checks of the report its run wrote: the three files are there and well-formed, the
 * JSON reads back, and {@code compare} reads it and tells a regression from none. Nothing here looks at a figure.
 */
public final class SmokeReports {
    private SmokeReports() {
    }

    /**
     * An empty directory for a test's reports, under target/ rather than a temporary directory, so that CI can keep
     * them and a person can look.
     */
    public static Path directory(String name) throws IOException {
        Path dir = Path.of("target", "smoke-reports", name);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        return dir;
    }

    /** The scenario's latest report in {@code dir}, after checking its three files. */
    public static RunReport latest(Path dir, String scenario) throws IOException {
        RunReport report = ReportFiles.read(dir.resolve(scenario + "-latest.json"));
        assertThat(report.scenario()).isEqualTo(scenario);
        assertThat(report.environment()).containsKeys("host", "cpu", "java", "commit");
        assertThat(report.metrics()).isNotEmpty().allSatisfy((name, m) -> {
            assertThat(m.kind()).as(name).isNotNull();
            assertThat(m.unit()).as(name).isNotNull();
        });
        String markdown = Files.readString(dir.resolve(scenario + "-latest.md"));
        assertThat(markdown).startsWith("# " + scenario).contains("| metric | value | unit |");
        String html = Files.readString(dir.resolve(scenario + "-latest.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n").doesNotContain("<script");
        assertThat(html.split("<svg", -1)).as("one SVG per chart").hasSize(report.charts().size() + 1);
        return report;
    }

    /** compare reads the report: against itself no regression (exit 0), against a worse copy a regression (3). */
    public static void assertCompareReads(Path json, Path scratch) throws IOException {
        Path worse = ReportFiles.write(scratch, worse(ReportFiles.read(json))).json();
        assertThat(SignallingBench.commandLine().execute("compare", json.toString(), json.toString())).isZero();
        assertThat(SignallingBench.commandLine().execute("compare", json.toString(), worse.toString()))
                .isEqualTo(ReportOptions.REGRESSED);
    }

    /** The same run with its latencies half as long again and its throughput a fifth lower. */
    private static RunReport worse(RunReport r) {
        Map<String, RunReport.Metric> metrics = new LinkedHashMap<>();
        r.metrics().forEach((name, m) -> metrics.put(name, new RunReport.Metric(switch (m.kind()) {
            case LATENCY -> m.value() * 1.5 + 1;
            case THROUGHPUT -> m.value() * 0.8;
            default -> m.value();
        }, m.unit(), m.kind())));
        return new RunReport(r.scenario(), r.startedAt() + "-worse", r.environment(), r.config(), r.load(), metrics,
                r.charts(), r.notes(), r.verdict());
    }
}
