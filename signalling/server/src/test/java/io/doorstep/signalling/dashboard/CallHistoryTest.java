package io.doorstep.signalling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.EndReason;
import io.doorstep.signalling.call.CallLogEntry;
import io.doorstep.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The dashboard's per-minute history and today's figures, on a clock the test moves. */
class CallHistoryTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 2026-12-07 09:00:00 in Shanghai. */
    private static final long NINE = Instant.parse("2026-12-07T01:00:00Z").toEpochMilli();

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(NINE));
    private final CallHistory history = new CallHistory(Duration.ofSeconds(20), Duration.ofHours(12), clock,
            SHANGHAI);

    private void at(long ts, String callId, String event, EndReason reason) {
        clock.set(Instant.ofEpochMilli(ts));
        history.record(new CallLogEntry(ts, callId, event, event, "st-1", null, "MI-001", "medical-insurance", false,
                reason, null, null, null, null));
    }

    @Test
    void waitsAreCountedWhenAnsweredAgainstTheTarget() {
        at(NINE, "c-1", "queued", null);
        at(NINE + 5_000, "c-2", "queued", null);
        at(NINE + 15_000, "c-1", "connected", null); // waited 15 s: within 20 s
        at(NINE + 65_000, "c-2", "connected", null); // waited 60 s: late, and in the next minute
        at(NINE + 70_000, "c-3", "queued", null);
        at(NINE + 80_000, "c-3", "ended", EndReason.CANCELLED);

        assertThat(history.minutes()).containsExactly(
                new Dashboard.Minute(NINE, 2, 1, 0, 15_000, 15_000),
                new Dashboard.Minute(NINE + 60_000, 1, 1, 1, 60_000, 60_000));
        Dashboard.Today today = history.today();
        assertThat(today.date()).isEqualTo("2026-12-07");
        assertThat(today.requested()).isEqualTo(3);
        assertThat(today.answered()).isEqualTo(2);
        assertThat(today.answeredWithinTarget()).isEqualTo(1);
        assertThat(today.abandoned()).isEqualTo(1);
        assertThat(today.serviceLevel()).isEqualTo(1 / 3.0);
        assertThat(today.targetSeconds()).isEqualTo(20);
    }

    @Test
    void onlyTheChangedMinutesAreDrained() {
        at(NINE, "c-1", "queued", null);
        assertThat(history.drainChanged()).extracting(Dashboard.Minute::start).containsExactly(NINE);
        assertThat(history.drainChanged()).isEmpty();
        at(NINE + 61_000, "c-1", "ended", EndReason.ABANDONED);
        assertThat(history.drainChanged()).extracting(Dashboard.Minute::abandoned).containsExactly(1);
    }

    @Test
    void minutesOlderThanTheWindowAreForgotten() {
        at(NINE, "c-1", "queued", null);
        at(NINE + Duration.ofHours(11).toMillis(), "c-2", "queued", null);
        assertThat(history.minutes()).hasSize(2);
        clock.set(Instant.ofEpochMilli(NINE + Duration.ofHours(12).toMillis()));
        assertThat(history.minutes()).extracting(Dashboard.Minute::start)
                .containsExactly(NINE + Duration.ofHours(11).toMillis());
    }

    @Test
    void theDayTurnsAtMidnightInTheServersZone() {
        at(NINE, "c-1", "queued", null);
        at(NINE + 1_000, "c-1", "ended", EndReason.CANCELLED);
        assertThat(history.today().serviceLevel()).isZero();
        clock.set(Instant.parse("2026-12-07T16:00:00Z")); // 00:00 on the 8th in Shanghai
        Dashboard.Today next = history.today();
        assertThat(next.date()).isEqualTo("2026-12-08");
        assertThat(next.requested()).isZero();
        assertThat(next.serviceLevel()).as("no call yet today").isNull();
    }
}
