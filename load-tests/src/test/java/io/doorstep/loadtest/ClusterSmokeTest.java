package io.doorstep.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.SmokeReports;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster benchmark's path through the command line, seconds long: two signalling nodes in this JVM sharing the
 * real Redis on 127.0.0.1:6379 under a key prefix of the test's own (deleted afterwards), stations and agents spread
 * over both. Calls complete, some of them across nodes, and Redis's round trips and commands per call are counted.
 * Nothing here asserts a timing.
 */
class ClusterSmokeTest {
    private static final String REDIS = "redis://127.0.0.1:6379";
    private static final int STATIONS = 20;
    private static final int AGENTS = 10;

    @TempDir
    Path dir;

    private final String prefix = "test-ClusterSmokeTest-" + HexFormat.of().formatHex(new SecureRandom()
            .generateSeed(4));

    @AfterEach
    void deleteKeys() {
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            while (!cursor.isFinished()) {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("{" + prefix + "}:*")
                        .limit(1000));
                if (!page.getKeys().isEmpty()) {
                    redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void districtAndRampOverTwoNodesCountRedisCommandsPerCall() throws Exception {
        Path reports = SmokeReports.directory("clusterDistrictAndRamp");
        try (BenchServer a = new BenchServer(dir.resolve("a"), STATIONS, AGENTS, onRedis("node-a"));
             BenchServer b = new BenchServer(dir.resolve("b"), STATIONS, AGENTS, onRedis("node-b"))) {
            List<String> target = List.of("--servers", a.url() + "," + b.url(), "--redis", REDIS,
                    "--redis-key-prefix", prefix,
                    "--directory", a.directory().toString(), "--secret", BenchServer.SECRET,
                    "--sign-in-timeout", "20s", "--report-dir", reports.toString(), "--stations",
                    Integer.toString(STATIONS), "--agents", Integer.toString(AGENTS), "--warmup", "0s",
                    "--slice", "1s", "--talk-time", "20ms");
            assertThat(run("district", target, "--rate", "20", "--duration", "2s", "--round-trip-phase", "1s"))
                    .isZero();
            assertThat(run("ramp", target, "--rates", "10,20", "--step-duration", "1s")).isZero();
        }

        RunReport district = SmokeReports.latest(reports, "district");
        assertThat(metric(district, "completed calls per second")).isPositive();
        assertThat(metric(district, "errors")).isZero();
        assertThat(metric(district, "calls incomplete")).isZero();
        assertThat(metric(district, "offers across nodes")).as("stations and agents sit on both nodes").isPositive();
        assertThat(metric(district, "redis round trips counted over calls")).isPositive();
        assertThat(metric(district, "redis round trips per call")).isPositive();
        assertThat(metric(district, "redis round trips: EVALSHA claim per call"))
                .as("the stores' scripts, by name: claim.lua offers a call").isPositive();
        assertThat(metric(district, "redis round trips: XADD per call")).as("the call log stream").isPositive();
        assertThat(metric(district, "redis commands run by scripts per call")).isPositive();
        assertThat(metric(district, "redis commands executed per call"))
                .as("what Redis executed: the round trips and what the scripts ran")
                .isGreaterThan(metric(district, "redis round trips per call"));
        assertThat(district.metrics()).containsKey("redis cpu per call");
        RunReport ramp = SmokeReports.latest(reports, "ramp");
        assertThat(metric(ramp, "at 20/s: redis commands executed per call")).isPositive();
        assertThat(ramp.metrics()).containsKey("highest rate under the knee threshold");
    }

    private Map<String, String> onRedis(String nodeId) {
        return Map.of("DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_URI", REDIS,
                "DOORSTEP_CLUSTER_KEY_PREFIX", prefix, "DOORSTEP_CLUSTER_NODE_ID", nodeId);
    }

    private static int run(String command, List<String> target, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(target);
        all.addAll(List.of(args));
        return SignallingBench.commandLine().execute(all.toArray(String[]::new));
    }

    private static double metric(RunReport report, String name) {
        assertThat(report.metrics()).containsKey(name);
        return report.metrics().get(name).value();
    }
}
