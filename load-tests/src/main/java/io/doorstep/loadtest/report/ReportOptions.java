package io.doorstep.loadtest.report;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a run's report goes and what it is compared with. */
public final class ReportOptions {
    /** The exit code of a run (or a compare) that regressed beyond a margin. */
    public static final int REGRESSED = 3;

    @Option(names = "--report-dir", defaultValue = "load-tests/target/reports",
            description = "Where the run's JSON, Markdown and HTML reports are written (default ${DEFAULT-VALUE}).")
    Path reportDir;

    @Option(names = "--compare-with", paramLabel = "JSON",
            description = "An earlier run's JSON report (e.g. <report-dir>/<scenario>-latest.json, copied aside): "
                    + "compare this run with it and exit with " + REGRESSED + " on a regression.")
    Path baseline;

    @Mixin
    MarginOptions margin;

    /**
     * Writes the report and, when a baseline was given, compares with it. Returns {@code exitCode}, or
     * {@link #REGRESSED} when the run regressed; a baseline is read before the new files are written, so the
     * latest report can be its own run's baseline.
     */
    public int publish(RunReport report, int exitCode) throws IOException {
        RunReport before = baseline == null ? null : ReportFiles.read(baseline);
        ReportFiles.Written files = ReportFiles.write(reportDir, report);
        System.out.println("report: " + files.markdown() + ", " + files.html() + ", " + files.json());
        if (before == null) {
            return exitCode;
        }
        Comparison comparison = Comparison.of(before, report, margin.margins());
        System.out.print("compared with " + baseline + ":\n" + comparison.text(margin.margins()));
        return comparison.regressed() ? REGRESSED : exitCode;
    }
}
