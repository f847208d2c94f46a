package io.doorstep.loadtest;

import io.doorstep.loadtest.report.Comparison;
import io.doorstep.loadtest.report.MarginOptions;
import io.doorstep.loadtest.report.ReportFiles;
import io.doorstep.loadtest.report.ReportOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(abbreviateSynopsis = true, name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare a run's JSON report with an earlier one of the same scenario and flag regressions: "
                + "a latency up by more than --latency-margin, a throughput down by more than --throughput-margin, "
                + "any rise in errors, leaks or lost records.",
                "Exit code 0: no regression; " + ReportOptions.REGRESSED + ": regression; 2: bad arguments."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASELINE", description = "The earlier run's JSON report.")
    Path baseline;

    @Parameters(index = "1", paramLabel = "CURRENT", description = "The run to judge.")
    Path current;

    @Mixin
    MarginOptions margin;

    @Override
    public Integer call() throws Exception {
        Comparison comparison = Comparison.of(ReportFiles.read(baseline), ReportFiles.read(current),
                margin.margins());
        System.out.print(comparison.text(margin.margins()));
        return comparison.regressed() ? ReportOptions.REGRESSED : 0;
    }
}
