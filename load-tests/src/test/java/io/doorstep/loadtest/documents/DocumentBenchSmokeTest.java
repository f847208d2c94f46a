package io.doorstep.loadtest.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.report.ReportFiles;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document benchmark against an in-process relay, small: every part runs and nothing fails. No timing limits. */
class DocumentBenchSmokeTest {
    private static final String SECRET = "document-bench-smoke-secret-0123456789";

    @TempDir
    Path dir;

    @Test
    void measuresEveryPartWithoutErrors() throws Exception {
        Map<String, String> env = Map.of(
                "DOORSTEP_TURN_LISTEN_ADDRESS", "127.0.0.1",
                "DOORSTEP_TURN_PORT", "0",
                "DOORSTEP_TURN_TLS_PORT", "0",
                "DOORSTEP_TURN_EXTERNAL_ADDRESS", "127.0.0.1",
                "DOORSTEP_METRICS_PORT", "0",
                "DOORSTEP_DOCUMENTS_LISTEN_ADDRESS", "127.0.0.1",
                "DOORSTEP_DOCUMENTS_PORT", "0",
                "DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET,
                "DOORSTEP_DATA_DIR", dir.resolve("data").toString());
        try (RelayApp relay = new RelayApp(RelayConfig.load(null, env))) {
            relay.start();
            DocumentBench bench = new DocumentBench();
            bench.relay = "127.0.0.1:" + relay.documentsAddress().getPort();
            bench.secret = SECRET;
            bench.size = 256 * 1024;
            bench.warmup = 1;
            bench.rounds = 1;
            bench.chunk = 16 * 1024;
            bench.paceMillis = 1;
            bench.concurrent = 5;

            DocumentBench.Report r = bench.run();

            assertThat(r.uploadMibPerSecond()).isPositive();
            assertThat(r.socketCopyMibPerSecond()).isPositive();
            assertThat(r.chunks()).isEqualTo(15);
            assertThat(r.concurrentFailures()).isZero();
            RunReport report = ReportFiles.read(ReportFiles.write(dir.resolve("reports"), bench.runReport(r)).json());
            assertThat(report.metrics()).containsKeys("upload", "first byte p99");
        }
    }
}
