package io.doorstep.loadtest.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark run as written to its JSON file and read back by {@code compare}: where it ran (machine and
 * versions), how it was configured, the load offered, the results as named metrics, and series over time for charts.
 *
 * @param scenario  the command (district-peak, soak, district, ramp, ...)
 * @param startedAt ISO-8601 UTC
 * @param verdict   "ok", or what went wrong (errors, leaks, lost records): a run that failed is still reported
 */
public record RunReport(String scenario, String startedAt, Map<String, String> environment,
                        Map<String, String> config, Map<String, String> load, Map<String, Metric> metrics,
                        List<Chart> charts, List<String> notes, String verdict) {

    /** Which way a metric gets worse; compare applies a margin per kind. */
    public enum Kind {
        /** Lower is better (latencies, waits, CPU per call): a regression is a rise beyond the latency margin. */
        LATENCY,
        /** Higher is better (calls/s, service level): a regression is a fall beyond the throughput margin. */
        THROUGHPUT,
        /** Must not rise at all from the previous run (errors, leaks, lost records). */
        FAULTS,
        /** Reported, never compared (counts that depend on the load asked for). */
        INFO
    }

    public record Metric(double value, String unit, Kind kind) {
    }

    /**
     * A line chart: one x axis, several named lines. Values are NaN where not known (rendered as gaps).
     */
    public record Chart(String title, String xLabel, String yLabel, List<Double> x, Map<String, List<Double>> lines) {
    }

    /** Builds a report as a run goes: metrics and notes are added in the order they are to be shown. */
    public static final class Builder {
        private final String scenario;
        private final String startedAt = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        private final Map<String, String> versions = new LinkedHashMap<>();
        private final Map<String, String> config = new LinkedHashMap<>();
        private final Map<String, String> load = new LinkedHashMap<>();
        private final Map<String, Metric> metrics = new LinkedHashMap<>();
        private final List<Chart> charts = new java.util.ArrayList<>();
        private final List<String> notes = new java.util.ArrayList<>();

        public Builder(String scenario) {
            this.scenario = scenario;
        }

        /**
         * The version of another program the run measured (a reference server), as the first line of what
         * {@code command} prints; "unknown" when it cannot be run. Shown with the machine and the generator's.
         */
        public Builder versionOf(String name, String... command) {
            String out = Environment.output(command);
            versions.put(name, out.isEmpty() ? "unknown" : out.lines().findFirst().orElse(out));
            return this;
        }

        public Builder config(String name, Object value) {
            config.put(name, text(value));
            return this;
        }

        public Builder load(String name, Object value) {
            load.put(name, text(value));
            return this;
        }

        public Builder metric(String name, double value, String unit, Kind kind) {
            metrics.put(name, new Metric(value, unit, kind));
            return this;
        }

        public Builder chart(Chart chart) {
            charts.add(chart);
            return this;
        }

        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        /** Durations as the command line takes them (90s, 500ms), not ISO-8601's PT1M30S. */
        private static String text(Object value) {
            if (value instanceof java.time.Duration d) {
                return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
            }
            return String.valueOf(value);
        }

        public RunReport build(String verdict) {
            Map<String, String> environment = Environment.describe();
            environment.putAll(versions);
            return new RunReport(scenario, startedAt, environment, config, load, metrics, charts, notes, verdict);
        }
    }
}
