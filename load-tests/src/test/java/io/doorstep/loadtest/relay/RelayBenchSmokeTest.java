package io.doorstep.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.BenchRelay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay generator against an in-process relay, small and short: a few allocations with a channel each, two
 * seconds of ChannelData through the relay to the echo peer and back, nothing lost. No timing assertions.
 */
class RelayBenchSmokeTest {
    private static final String SECRET = BenchRelay.SECRET;
    private static final int FLOWS = 3;
    private static final double FORWARDED_PPS = 1_200; // 200 packets/s per flow, each relayed there and back

    @TempDir
    Path dir;

    @Test
    void relaysEveryPacketThereAndBack() throws Exception {
        try (BenchRelay relay = new BenchRelay(dir)) {
            InetSocketAddress turn = relay.turn();
            Generator.Settings settings = new Generator.Settings(Generator.Mode.TURN, turn, SECRET, 1200, false,
                    true);
            StepResult step;
            try (Generator generator = new Generator(settings)) {
                generator.openFlows(FLOWS, true, Duration.ofSeconds(20));
                step = generator.step("smoke", FORWARDED_PPS, Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofMillis(1), 0, -1);
                generator.closeFlows();
            }

            assertThat(step.flows()).isEqualTo(FLOWS);
            assertThat(step.sent()).isGreaterThan(1_000); // 600 packets/s for two seconds
            assertThat(step.echoed()).as("packets relayed to the peer").isEqualTo(step.sent());
            assertThat(step.received()).as("packets relayed back to the clients").isEqualTo(step.sent());
            assertThat(step.loss()).isZero();
            assertThat(step.duplicates()).isZero();
            assertThat(step.rtt().count()).isEqualTo(step.sent());
        }
    }

    /** The allocate profile: a few dozen new clients through Allocate, CreatePermission and ChannelBind, deleted. */
    @Test
    void allocatesBindsAndDeletesEveryClient() throws Exception {
        try (BenchRelay relay = new BenchRelay(dir)) {
            InetSocketAddress turn = relay.turn();
            AllocateResult result;
            try (Generator generator = new Generator(new Generator.Settings(Generator.Mode.TURN, turn, SECRET, 1200,
                    false, true))) {
                result = generator.allocateStep(200, 40, Duration.ofSeconds(20), 0, -1);
            }
            assertThat(result.firstError()).isNull();
            assertThat(result.succeeded()).isEqualTo(40);
            assertThat(result.failed()).isZero();
            assertThat(result.unfinished()).isZero();
            assertThat(result.deleted()).as("allocations deleted afterwards").isEqualTo(40);
            assertThat(result.latency().count()).isEqualTo(40);
        }
    }

    /** The TCP client leg: TURN over TCP to the relay, ChannelData on the stream, UDP to the echo peer. */
    @Test
    void relaysEveryPacketOverTcpClients() throws Exception {
        try (BenchRelay relay = new BenchRelay(dir)) {
            InetSocketAddress turn = relay.turn();
            Generator.Settings settings = new Generator.Settings(Generator.Mode.TURN, turn, SECRET, 1198, false,
                    true).withTcp(true); // 1,198 bytes: ChannelData padded by 2 on the stream
            StepResult step;
            try (Generator generator = new Generator(settings)) {
                generator.openFlows(FLOWS, false, Duration.ofSeconds(20));
                step = generator.step("smoke-tcp", FORWARDED_PPS, Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofMillis(1), 0, -1);
                generator.closeFlows();
            }
            assertThat(step.sent()).isGreaterThan(1_000);
            assertThat(step.echoed()).as("packets relayed to the peer").isEqualTo(step.sent());
            assertThat(step.received()).as("packets relayed back to the clients").isEqualTo(step.sent());
            assertThat(step.duplicates()).isZero();
        }
    }
}
