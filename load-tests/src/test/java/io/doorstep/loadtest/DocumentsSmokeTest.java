package io.doorstep.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.SmokeReports;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents scenario through the command line with its small preset, against an in-process relay on 127.0.0.1:
 * every upload completes with its reader following it, the report is written and compare reads it. No timing
 * assertions.
 */
class DocumentsSmokeTest {
    @TempDir
    Path dir;

    @Test
    void uploadsWithAReaderEachAndWritesTheReport() throws Exception {
        Path reports = SmokeReports.directory("documents");
        try (BenchRelay relay = new BenchRelay(dir)) {
            int exit = SignallingBench.commandLine().execute("documents", "--preset", "small", "--relay",
                    relay.documents(), "--secret", BenchRelay.SECRET, "--warmup", "1",
                    "--server-pid", Long.toString(ProcessHandle.current().pid()), "--report-dir", reports.toString());
            assertThat(exit).isZero();
        }
        RunReport report = SmokeReports.latest(reports, "documents");
        assertThat(report.verdict()).isEqualTo("ok");
        assertThat(report.metrics().get("uploads completed").value()).isEqualTo(4);
        assertThat(report.metrics().get("uploads failed").value()).isZero();
        assertThat(report.metrics()).containsKeys("throughput, all uploads together", "first byte at the reader p99",
                "upload, PATCH to 204 p50", "relay cores");
        assertThat(report.load()).containsEntry("uploads at once, each with a reader", "4")
                .containsEntry("scan bytes", Integer.toString(256 * 1024));
        assertThat(report.charts()).hasSize(3);
        SmokeReports.assertCompareReads(reports.resolve("documents-latest.json"), dir.resolve("worse"));
    }

    @Test
    void refusesALoadThatCannotRun() {
        assertThat(refusal("--preset", "huge")).contains("unknown --preset 'huge': issue or small");
        assertThat(refusal("--size", "1000", "--chunk", "1000"))
                .contains("a scan must be at least two chunks: --size 1000 with --chunk 1000");
        assertThat(refusal("--relay", "no-port")).contains("expected host:port, got no-port");
    }

    /** What the command says when it refuses the arguments (exit code 2) before connecting anywhere. */
    private static String refusal(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 3];
        all[0] = "documents";
        all[1] = "--secret";
        all[2] = BenchRelay.SECRET;
        System.arraycopy(args, 0, all, 3, args.length);
        int exit = SignallingBench.commandLine().setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .execute(all);
        assertThat(exit).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
