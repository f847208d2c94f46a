package io.doorstep.client.internal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.client.media.CallStats;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Samples into call.stats messages the server accepts: unmeasured left out, odd readings clamped, throttled. */
class CallStatsReporterTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static CallStats sample(Instant at, double rttMs, double fractionLost) {
        return new CallStats(at, rttMs, Double.NaN, 3, fractionLost, 900, 880, 300, 290, 500, "relay", "relay",
                "tcp");
    }

    @Test
    void aSampleBecomesAMessageTheCodecAccepts() throws Exception {
        ClientMessage.CallStats m = CallStatsReporter.message("c-1", sample(T0, 38.5, 1.2));
        assertThat(m.rttMs()).isEqualTo(38.5);
        assertThat(m.jitterMs()).as("not measured").isNull();
        assertThat(m.fractionLost()).as("clamped").isEqualTo(1.0);
        assertThat(m.candidateType()).isEqualTo("relay");
        assertThat(m.relayProtocol()).isEqualTo("tcp");
        ProtocolCodec codec = new ProtocolCodec();
        assertThat(codec.decodeClient(codec.encode(m))).isEqualTo(m);
        assertThat(new String(codec.encode(m), StandardCharsets.UTF_8)).doesNotContain("NaN");
    }

    @Test
    void oneMessagePerInterval() {
        CallStatsReporter reporter = new CallStatsReporter("c-1");
        assertThat(reporter.offer(sample(T0, 40, 0))).isNotNull();
        assertThat(reporter.offer(sample(T0.plusSeconds(9), 40, 0))).isNull();
        assertThat(reporter.offer(sample(T0.plusSeconds(10), 40, 0))).isNotNull();
        assertThatThrownBy(() -> new CallStatsReporter("c-1", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
