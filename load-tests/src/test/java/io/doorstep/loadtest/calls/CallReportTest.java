package io.doorstep.loadtest.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Slices of one phase add up to the phase. */
class CallReportTest {

    @Test
    void slicesAddUpCountsErrorsAndLatencies() {
        CallReport a = slice(100, Map.of("station: error RATE_LIMITED", 1L), 1_000_000);
        CallReport b = slice(50, Map.of("station: error RATE_LIMITED", 2L, "agent: connection lost", 1L), 9_000_000);

        CallReport both = a.plus(b);

        assertThat(both.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(both.requested()).isEqualTo(150);
        assertThat(both.completed()).isEqualTo(150);
        assertThat(both.errors()).containsExactlyInAnyOrderEntriesOf(
                Map.of("station: error RATE_LIMITED", 3L, "agent: connection lost", 1L));
        assertThat(both.offered().count()).isEqualTo(150);
        assertThat(both.offered().max()).isCloseTo(9.0, Offset.offset(0.01));
        assertThat(a.offered().count()).as("the slices themselves are unchanged").isEqualTo(100);
    }

    private static CallReport slice(int calls, Map<String, Long> errors, long offerNanos) {
        Histogram offered = new Histogram(3);
        offered.recordValueWithCount(offerNanos, calls);
        return new CallReport(10, Duration.ofSeconds(10), calls, calls, 0, errors,
                new CallReport.Histograms(new Histogram(3), offered, new Histogram(3), new Histogram(3),
                        new Histogram(3)));
    }
}
