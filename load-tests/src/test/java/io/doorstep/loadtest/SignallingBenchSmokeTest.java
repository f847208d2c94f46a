package io.doorstep.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.client.Fleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The call generator against an in-process server, small and short: it places calls and sees them through. */
class SignallingBenchSmokeTest {
    private static final int STATIONS = 20;
    private static final int AGENTS = 10;
    private static final int RATE = 20;
    private static final Duration RUN = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void completesEveryCallWithoutErrors() throws Exception {
        try (BenchServer server = new BenchServer(dir, STATIONS, AGENTS, Map.of())) {
            Fleet.Options options = new Fleet.Options(List.of(server.url()), 1, List.of("127.0.0.1"), 50,
                    Duration.ofSeconds(20));
            CallLoad.Settings settings = new CallLoad.Settings(STATIONS, AGENTS, Duration.ZERO, Duration.ofMillis(20),
                    Duration.ofSeconds(5));
            CallReport report;
            try (Fleet fleet = new Fleet(options);
                 CallLoad load = new CallLoad(fleet, server.credentials(), settings)) {
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
}
