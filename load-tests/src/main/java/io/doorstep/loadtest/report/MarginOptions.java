package io.doorstep.loadtest.report;

import picocli.CommandLine.Option;

/** How far a run may fall behind an earlier one before it counts as a regression. */
public final class MarginOptions {
    @Option(names = "--latency-margin", defaultValue = "20",
            description = "Percent a latency may rise before it counts as a regression (default ${DEFAULT-VALUE}).")
    double latencyMargin;

    @Option(names = "--throughput-margin", defaultValue = "10",
            description = "Percent a throughput may fall before it counts as a regression (default ${DEFAULT-VALUE}).")
    double throughputMargin;

    public Comparison.Margins margins() {
        return new Comparison.Margins(latencyMargin / 100, throughputMargin / 100);
    }
}
