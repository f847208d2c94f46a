package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health} and {@code /metrics} over real HTTP, with and without a bearer token. */
@ExtendWith(LeakCheck.class)
class MetricsEndpointTest {
    @TempDir
    Path dir;

    @Test
    void healthAndMetricsAnswerWithoutATokenWhenNoneIsConfigured() throws IOException {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_METRICS_PORT", TestRelay.FREE_TCP_PORT))) {
            HttpResponse<String> health = relay.http("/health", null);
            HttpResponse<String> metrics = relay.http("/metrics", null);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"up\"}");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("# HELP doorstep_relay_allocations_active Live TURN allocations")
                    .containsPattern("(?m)^doorstep_relay_allocations_active 0\\.0$")
                    .containsPattern("(?m)^doorstep_relay_dropped_total\\{reason=\"malformed\"} 0\\.0$")
                    .containsPattern("(?m)^doorstep_relay_forwarding_latency_seconds_count\\{direction=\"to_peer\"} 0$")
                    .containsPattern("(?m)^doorstep_relay_forwarding_latency_seconds_bucket\\{direction=\"to_client\",le=")
                    .contains("jvm_memory_used_bytes");
            assertThat(relay.http("/metrics/../admin", null).statusCode()).isEqualTo(404);
            assertThat(relay.http("/", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void metricsNeedTheBearerTokenWhenOneIsConfigured() throws IOException {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_METRICS_PORT", TestRelay.FREE_TCP_PORT,
                "DOORSTEP_METRICS_TOKEN", "sesame"))) {
            assertThat(relay.http("/metrics", null).statusCode()).isEqualTo(401);
            assertThat(relay.http("/metrics", "wrong").statusCode()).isEqualTo(401);
            assertThat(relay.http("/metrics", "sesam").statusCode()).as("a prefix is not the token").isEqualTo(401);
            HttpResponse<String> ok = relay.http("/metrics", "sesame");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("doorstep_relay_allocations_active");
            assertThat(relay.http("/health", null).statusCode()).as("health stays open for probes").isEqualTo(200);
        }
    }

    @Test
    void theMetricsPortZeroMeansNoEndpoint() {
        try (TestRelay relay = TestRelay.start(dir, Map.of())) {
            assertThat(relay.app().metricsAddress()).isNull();
        }
    }

    /**
     * The allocations counter is exported under its documented name. (The Prometheus client strips a
     * {@code _created} suffix, reserved for OpenMetrics creation timestamps, so a counter named "...created" would
     * come out as {@code doorstep_relay_allocations_total}.)
     */
    @Test
    void theAllocationsOpenedCounterKeepsItsName() throws IOException {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_METRICS_PORT", TestRelay.FREE_TCP_PORT))) {
            assertThat(relay.http("/metrics", null).body())
                    .containsPattern("(?m)^doorstep_relay_allocations_opened_total 0\\.0$");
        }
    }
}
