package io.doorstep.loadtest.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.BenchRelay;
import io.doorstep.loadtest.report.ReportFiles;
import io.doorstep.loadtest.report.RunReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document benchmark against an in-process relay, small: every part runs and nothing fails. No timing limits. */
class DocumentBenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void measuresEveryPartWithoutErrors() throws Exception {
        try (BenchRelay relay = new BenchRelay(dir)) {
            DocumentBench bench = smallBench(relay);
            DocumentBench.Report r = bench.run();

            assertThat(r.uploadMibPerSecond()).isPositive();
            assertThat(r.socketCopyMibPerSecond()).isPositive();
            assertThat(r.chunks()).isEqualTo(15);
            assertThat(r.concurrentFailures()).isZero();
            RunReport report = ReportFiles.read(ReportFiles.write(dir.resolve("reports"), bench.runReport(r)).json());
            assertThat(report.metrics()).containsKeys("upload", "first byte p99");
        }
    }

    @Test
    void uploadsInChecksummedChunksAsTheClientsDo() throws Exception {
        try (BenchRelay relay = new BenchRelay(dir)) {
            DocumentBench bench = smallBench(relay);
            bench.checksummedChunk = 100_000; // the last chunk shorter: every checksum must match for a 204
            DocumentBench.Report r = bench.run();

            assertThat(r.uploadMibPerSecond()).isPositive();
            assertThat(r.concurrentFailures()).isZero();
        }
    }

    private static DocumentBench smallBench(BenchRelay relay) {
        DocumentBench bench = new DocumentBench();
        bench.relay = relay.documents();
        bench.secret = BenchRelay.SECRET;
        bench.size = 256 * 1024;
        bench.warmup = 1;
        bench.rounds = 1;
        bench.chunk = 16 * 1024;
        bench.paceMillis = 1;
        bench.concurrent = 5;
        return bench;
    }
}
