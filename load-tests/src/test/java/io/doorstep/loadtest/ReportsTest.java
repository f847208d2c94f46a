package io.doorstep.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.calls.CallReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The knee of a ramp, as the ramp reports it. */
class ReportsTest {
    private static final double THRESHOLD_MS = 5;

    @Test
    void kneeIsTheFirstStepAboveTheThreshold() {
        String knee = Reports.knee(List.of(step(50, 1), step(100, 2), step(200, 7), step(300, 40)), THRESHOLD_MS);
        assertThat(knee).startsWith("knee: 200 calls/s").doesNotContain("every step");
    }

    @Test
    void aNoisyEarlyStepIsToldApartFromWhereLatencyStaysHigh() {
        String knee = Reports.knee(List.of(step(50, 9), step(100, 2), step(200, 7), step(300, 40)), THRESHOLD_MS);
        assertThat(knee).startsWith("knee: 50 calls/s").contains("every step from 200 calls/s on");
    }

    @Test
    void noKneeWhenEveryStepStaysBelow() {
        String knee = Reports.knee(List.of(step(50, 1), step(100, 2)), THRESHOLD_MS);
        assertThat(knee).startsWith("knee: none up to 100 calls/s");
    }

    /** A step whose every request-to-offer latency was {@code p99Ms}. */
    private static CallReport step(double rate, double p99Ms) {
        Histogram offered = new Histogram(3);
        offered.recordValue((long) (p99Ms * 1e6));
        return new CallReport(rate, Duration.ofSeconds(10), 1, 1, 0, Map.of(),
                new CallReport.Histograms(new Histogram(3), offered, new Histogram(3), new Histogram(3),
                        new Histogram(3)));
    }
}
