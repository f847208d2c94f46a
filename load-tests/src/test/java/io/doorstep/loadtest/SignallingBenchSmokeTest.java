package io.doorstep.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.signalling.SignallingApp;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.directory.DirectoryLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The call generator against an in-process server, small and short: it places calls and sees them through. */
class SignallingBenchSmokeTest {
    private static final String CATALOGUE = "classpath:defaults/catalogue.yaml";
    private static final String SECRET = "smoke-test-secret-that-is-long-enough-for-hs256";
    private static final int STATIONS = 20;
    private static final int AGENTS = 10;
    private static final int RATE = 20;
    private static final Duration RUN = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void completesEveryCallWithoutErrors() throws Exception {
        Path directory = dir.resolve("directory.yaml");
        BenchDirectory.write(directory, STATIONS, AGENTS, 3, DirectoryLoader.catalogue(CATALOGUE));
        try (SignallingApp app = new SignallingApp(SignallingConfig.load(null, serverEnv(directory)))) {
            InetSocketAddress address = app.start();
            Fleet.Options options = new Fleet.Options(URI.create("ws://127.0.0.1:" + address.getPort() + "/ws"), 1,
                    List.of("127.0.0.1"), 50, Duration.ofSeconds(20));
            CallLoad.Settings settings = new CallLoad.Settings(STATIONS, AGENTS, Duration.ZERO, Duration.ofMillis(20),
                    Duration.ofSeconds(5));
            CallReport report;
            try (Fleet fleet = new Fleet(options);
                 CallLoad load = new CallLoad(fleet, new Credentials(directory.toString(), CATALOGUE, SECRET),
                         settings)) {
                load.signIn(Duration.ofSeconds(20));
                report = load.run(RATE, RUN);
            }

            long expected = RATE * RUN.toSeconds();
            assertThat(report.errors()).isEmpty();
            assertThat(report.requested()).isEqualTo(expected);
            assertThat(report.completed()).isEqualTo(expected);
            assertThat(report.incomplete()).isZero();
            assertThat(report.offered().count()).isEqualTo(expected);
            assertThat(report.connected().count()).isEqualTo(expected);
        }
    }

    private Map<String, String> serverEnv(Path directory) {
        return Map.of(
                "DOORSTEP_SERVER_HOST", "127.0.0.1",
                "DOORSTEP_SERVER_PORT", "0",
                "DOORSTEP_DATA_DIR", dir.resolve("data").toString(),
                "DOORSTEP_DIRECTORY_FILE", directory.toString(),
                "DOORSTEP_AUTH_HS256_SECRET", SECRET,
                "DOORSTEP_AUTH_DEMO_TOKENS", "false",
                "DOORSTEP_ROUTING_WRAP_UP", "0s",
                "DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT", "1s");
    }
}
