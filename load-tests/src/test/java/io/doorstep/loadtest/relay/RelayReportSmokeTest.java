package io.doorstep.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.doorstep.loadtest.BenchRelay;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.SmokeReports;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay benchmark end to end, seconds long, as {@code run-relay-bench.sh} runs it: the generator's {@code run}
 * against our relay, against coturn's {@code turnserver} (when it is installed: {@code ./doorstep test} installs it),
 * against a plain UDP echo (the ceiling) and with no server (the direct path), all on 127.0.0.1; then
 * {@code summarize} writes the report and {@code compare} reads it. Nothing here asserts a timing.
 */
class RelayReportSmokeTest {
    private static final String SECRET = BenchRelay.SECRET;
    /** The profiles the script runs against a TURN server (the DIRECT runs ignore allocate and tcp). */
    private static final String EVERY_PROFILE = "saturation,realistic,allocate,tcp";
    /** Every profile small: two ramp steps of 300 ms, three flows for a second, ten new clients. */
    private static final List<String> SMALL = List.of("--sat-flows", "2", "--sat-start", "1000", "--sat-factor", "2",
            "--sat-max", "2000", "--sat-step", "300ms", "--sat-refine", "0", "--sat-overload", "0", "--sat-tick", "1ms",
            "--flows", "3", "--flow-rate", "100", "--realistic-warmup", "0s", "--realistic-duration", "1s", "--tick",
            "1ms", "--alloc-rate", "100", "--alloc-count", "10", "--alloc-warmup", "0", "--drain", "500ms",
            "--retries", "0", "--busy-poll", "false", "--setup-timeout", "20s");

    @TempDir
    Path dir;

    @Test
    void writesTheRelayReportThatCompareReads() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        String self = Long.toString(ProcessHandle.current().pid()); // in-process servers: the CPU is the test's
        runOurs(results, EVERY_PROFILE);
        EchoServer echo = EchoServer.start(new InetSocketAddress("127.0.0.1", 0));
        try {
            assertThat(run(results, "echo", "DIRECT", "127.0.0.1:" + echo.address().getPort(), self, EVERY_PROFILE))
                    .isZero();
        } finally {
            echo.close();
        }
        assertThat(run(results, "direct", "DIRECT", null, "0", EVERY_PROFILE)).isZero();

        Path reports = SmokeReports.directory("relay");
        RunReport report = summarize(results, reports);
        assertThat(report.config()).containsEntry("relay-jvm", "in-process")
                .containsEntry("generator JVM", "-Dx=y -Xmx1g"); // as the script passes JVM options
        assertThat(report.metrics()).containsKeys("ours: saturation, delivered when overloaded",
                "ours: realistic, relayed", "ours: realistic, loss", "ours: realistic, round trip p99",
                "ours: realistic, CPU per packet", "ours: tcp, round trip p50", "ours: allocate + channelbind p99",
                "ours: added latency p50", "echo: saturation, delivered when overloaded", "echo: added latency p99",
                "direct: realistic, relayed");
        assertThat(report.metrics().get("ours: allocate, failed clients").value()).isZero();
        assertThat(report.charts()).extracting(RunReport.Chart::title).contains(
                "Saturation ramp: relayed packets/s", "Realistic profile: round trip over time",
                "Realistic profile: relayed packets/s over time");
        assertThat(report.notes()).contains("coturn did not run: no ratios ours / coturn");
        SmokeReports.assertCompareReads(reports.resolve("relay-latest.json"), dir.resolve("worse"));
    }

    @Test
    void comparesOursWithCoturnInTheSameReport() throws Exception {
        Optional<Path> turnserver = onPath("turnserver");
        assumeTrue(turnserver.isPresent(), "coturn's turnserver is not on the PATH, so there is nothing to compare "
                + "with: ./doorstep test installs it (Debian/Ubuntu package coturn)");
        Path results = Files.createDirectories(dir.resolve("results"));
        String profiles = "saturation,realistic"; // the others are the first test's: only coturn is new here
        runOurs(results, profiles);
        try (Coturn coturn = Coturn.start(turnserver.get(), dir)) {
            assertThat(run(results, "coturn", "TURN", "127.0.0.1:" + coturn.port, Long.toString(coturn.pid()),
                    profiles)).as("the generator against coturn; its log: %s", coturn.log).isZero();
        }

        Path reports = SmokeReports.directory("relay-coturn");
        RunReport report = summarize(results, reports);
        assertThat(report.environment().get("coturn")).isNotBlank().isNotEqualTo("unknown");
        assertThat(report.metrics()).containsKeys("coturn: realistic, round trip p99",
                "coturn: saturation, delivered when overloaded", "ours / coturn: realistic, round trip p99");
        assertThat(report.metrics().get("coturn: realistic, round trip p99").kind()).isEqualTo(RunReport.Kind.INFO);
        assertThat(report.charts().get(0).lines()).containsKeys("ours", "coturn");
        SmokeReports.assertCompareReads(reports.resolve("relay-latest.json"), dir.resolve("worse"));
    }

    /** The generator against an in-process relay of ours. */
    private void runOurs(Path results, String profiles) throws Exception {
        try (BenchRelay relay = new BenchRelay(dir)) {
            assertThat(run(results, "ours", "TURN", "127.0.0.1:" + relay.turn().getPort(),
                    Long.toString(ProcessHandle.current().pid()), profiles)).isZero();
        }
    }

    /** summarize, as the script runs it at the end; the report it wrote, read back. */
    private static RunReport summarize(Path results, Path reports) throws IOException {
        assertThat(RelayBench.commandLine().execute("summarize", results.toString(), "--report-dir",
                reports.toString(), "--config", "relay-jvm=in-process", "--config", "generator JVM=-Dx=y -Xmx1g"))
                .isZero();
        return SmokeReports.latest(reports, "relay");
    }

    /** One generator run, as the script runs it; the ServerRun JSON goes to {@code results/<name>-1.json}. */
    private static int run(Path results, String name, String mode, String server, String pid, String profiles) {
        List<String> args = new ArrayList<>(List.of("run", "--name", name, "--mode", mode, "--secret", SECRET,
                "--server-pid", pid, "--out", results.resolve(name + "-1.json").toString(), "--profiles", profiles));
        if (server != null) {
            args.addAll(List.of("--server", server));
        }
        args.addAll(SMALL);
        return RelayBench.commandLine().execute(args.toArray(String[]::new));
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
    }

    /** coturn as the benchmark script starts it (one relay thread, the TURN REST secret), on a free port. */
    private record Coturn(Process process, int port, Path log) implements AutoCloseable {
        static Coturn start(Path turnserver, Path dir) throws Exception {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                port = probe.getLocalPort();
            }
            Path log = dir.resolve("coturn.log");
            Process p = new ProcessBuilder(turnserver.toString(), "-n", "--listening-port", Integer.toString(port),
                    "--relay-threads", "1", "--use-auth-secret", "--static-auth-secret", SECRET, "--realm",
                    "doorstep", "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls", "--min-port", "49152",
                    "--max-port", "65535", "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1", "--external-ip",
                    "127.0.0.1", "--no-multicast-peers", "--log-file", "stdout")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Coturn coturn = new Coturn(p, port, log);
            if (!coturn.answers()) {
                coturn.close();
                throw new IOException("coturn did not answer a STUN Binding request on 127.0.0.1:" + port
                        + " within 10 s; its log: " + Files.readString(log));
            }
            return coturn;
        }

        long pid() {
            return process.pid();
        }

        /** Sends Binding requests (RFC 8489 §6: type 0x0001, no attributes) until one is answered; at most 10 s. */
        private boolean answers() throws IOException {
            byte[] request = {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                socket.setSoTimeout(100);
                for (int attempt = 0; attempt < 100 && process.isAlive(); attempt++) {
                    socket.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", port)));
                    try {
                        socket.receive(new DatagramPacket(new byte[512], 512));
                        return true;
                    } catch (SocketTimeoutException e) {
                        // not listening yet
                    }
                }
            }
            return false;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
