package io.doorstep.signalling.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.routing.Dispatcher;
import io.doorstep.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate limit per party and call, and stalled video, with a clock the test moves. */
class CallQualityTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final CallQuality quality = new CallQuality(new SignallingMetrics(registry, List.of("medical-insurance"),
            Duration.ofSeconds(30), clock, ZoneOffset.UTC), clock, QualityShare.NONE);

    private static ClientMessage.CallStats frames(String callId, long framesDecoded) {
        return new ClientMessage.CallStats(null, callId, 30.0, null, null, null, null, null, framesDecoded, "relay",
                "tcp");
    }

    private double count(String name, String role) {
        return registry.get(name).tags("role", role, "candidate_type", "relay").counter().count();
    }

    @Test
    void onePerPartyAndCallEveryFiveSeconds() throws Exception {
        quality.report(Role.STATION, frames("c-1", 10));
        quality.report(Role.AGENT, frames("c-1", 10));
        quality.report(Role.STATION, frames("c-2", 10));
        clock.advance(Duration.ofMillis(4_999));
        assertThatThrownBy(() -> quality.report(Role.STATION, frames("c-1", 20)))
                .isInstanceOfSatisfying(Dispatcher.Rejection.class,
                        r -> assertThat(r.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        clock.advance(Duration.ofMillis(1));
        quality.report(Role.STATION, frames("c-1", 20));
        assertThat(count("doorstep.call.quality.reports", "station")).isEqualTo(3);
        assertThat(count("doorstep.call.quality.reports", "agent")).isEqualTo(1);
    }

    @Test
    void noNewFrameSinceTheLastReportIsStalledVideo() throws Exception {
        quality.report(Role.AGENT, frames("c-1", 100));
        clock.advance(Duration.ofSeconds(10));
        quality.report(Role.AGENT, frames("c-1", 100));
        clock.advance(Duration.ofSeconds(10));
        quality.report(Role.AGENT, frames("c-1", 400));
        assertThat(count("doorstep.call.video.stalled", "agent")).isEqualTo(1);
        assertThat(registry.get("doorstep.call.rtt").tags("role", "agent", "candidate_type", "relay").timer()
                .count()).isEqualTo(3);
    }

    @Test
    void aPartySilentForMinutesIsForgottenAndStartsAfresh() throws Exception {
        quality.report(Role.STATION, frames("c-1", 100));
        clock.advance(Duration.ofMinutes(3));
        quality.report(Role.STATION, frames("c-9", 1)); // sweeps c-1
        clock.advance(Duration.ofSeconds(10));
        quality.report(Role.STATION, frames("c-1", 100));
        assertThat(count("doorstep.call.video.stalled", "station")).as("no earlier report to compare with").isZero();
    }
}
