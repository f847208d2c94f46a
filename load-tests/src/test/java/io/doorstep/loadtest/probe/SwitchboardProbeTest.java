package io.doorstep.loadtest.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SwitchboardProbeTest {
    private static String scrape(int fast, int slow) {
        return "# TYPE doorstep_switchboard_work_seconds histogram\n"
                + "doorstep_switchboard_work_seconds_bucket{type=\"call.request\",le=\"0.001\"} " + fast + "\n"
                + "doorstep_switchboard_work_seconds_bucket{type=\"call.request\",le=\"+Inf\"} " + (fast + slow) + "\n"
                + "doorstep_switchboard_work_seconds_count{type=\"call.request\"} " + (fast + slow) + "\n"
                + "doorstep_switchboard_wait_seconds_bucket{le=\"0.001\"} 7.0\n"
                + "doorstep_switchboard_wait_seconds_bucket{le=\"+Inf\"} 7.0\n";
    }

    @Test
    void reportsOnlyWhatHappenedBetweenTwoSnapshots() {
        SwitchboardProbe.Snapshot before = SwitchboardProbe.parse(scrape(100, 100));
        SwitchboardProbe.Snapshot after = SwitchboardProbe.parse(scrape(190, 110));

        assertThat(after.since(before)).isEqualTo(
                "  work call.request          100  <=1ms  90.00%\n");
    }

    @Test
    void aFirstSnapshotCountsFromZero() {
        String report = SwitchboardProbe.parse(scrape(3, 1)).since(SwitchboardProbe.parse(""));

        assertThat(report).contains("  wait                         7  <=1ms 100.00%\n",
                "  work call.request            4  <=1ms  75.00%\n");
    }
}
