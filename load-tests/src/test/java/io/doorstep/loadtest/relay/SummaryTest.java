package io.doorstep.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary's tables and goal rows for the allocate profile and the TCP client leg, from JSON as written. */
class SummaryTest {

    @Test
    void reportsTheAllocateAndTcpGoals() throws Exception {
        List<ServerRun> reports = List.of(roundTrip(report("ours", 10, 12.5, 1500)),
                roundTrip(report("coturn", 11, 14, 2500)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Summary.print(reports, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("### New clients", "### TCP client leg")
                .contains("| TCP client leg: CPU/pkt <= 1.2x our UDP figure (10.00 us) | 12.50 us | 14.00 us | 1.25x "
                        + "| **no** |")
                .contains("| Allocate + ChannelBind p99 < 2 ms at 500/s | 1500 us | 2500 us | -1000 us | yes |")
                .doesNotContain("NaN");
    }

    private static ServerRun roundTrip(ServerRun r) throws Exception {
        return RelayBench.JSON.readValue(RelayBench.JSON.writeValueAsBytes(r), ServerRun.class);
    }

    static ServerRun report(String name, double udpMicros, double tcpMicros, double allocP99) {
        AllocateResult allocate = new AllocateResult(500, 2000, 2000, 0, 0, 2000, null, 4,
                new StepResult.Latency(2000, 400, 350, 500, allocP99, allocP99 * 2, allocP99 * 3),
                new StepResult.Latency(2000, 50, 40, 60, 100, 200, 300), 800_000, 0.01);
        return new ServerRun(name, "TURN", 1, "2026-11-29T00:00:00Z", Map.of(), null, null,
                step("realistic", udpMicros), allocate, step("tcp", tcpMicros));
    }

    /** 50,000 forwarded packets/s for 10 s at {@code micros} CPU-µs each. */
    static StepResult step(String label, double micros) {
        StepResult.Latency rtt = new StepResult.Latency(250_000, 80, 70, 90, 3000, 9000, 12000);
        return new StepResult(label, 500, 50_000, 10, 250_000, 250_000, 250_000, 0, 0, 0, 50_000, rtt, rtt,
                micros * 500_000, micros * 500_000, micros * 500_000, 0.1, 0, 0, List.of());
    }
}
