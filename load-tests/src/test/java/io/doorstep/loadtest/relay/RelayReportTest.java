package io.doorstep.loadtest.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.RunReport.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay report from runs as the generator writes them: medians, ratios from the same run, what compare judges. */
class RelayReportTest {

    @Test
    void judgesOursAndTheRatiosAndShowsCoturnForReading() {
        List<ServerRun> runs = List.of(SummaryTest.report("ours", 10, 12, 1500), SummaryTest.report("coturn", 12.5, 15,
                2500), SummaryTest.report("ours", 8, 11, 1700), SummaryTest.report("coturn", 10, 14, 2600),
                SummaryTest.report("ours", 9, 13, 1600), SummaryTest.report("direct", Double.NaN, Double.NaN, 0));

        RunReport report = RelayReport.of(runs, Map.of("server core", "0"));

        assertThat(metric(report, "ours: realistic, CPU per packet")).isEqualTo(new RunReport.Metric(9, "us",
                Kind.LATENCY)); // the median of 10, 8 and 9
        assertThat(metric(report, "coturn: realistic, CPU per packet").kind()).isEqualTo(Kind.INFO);
        assertThat(metric(report, "ours / coturn: realistic, CPU per packet").value()).isCloseTo(9 / 11.25,
                within(1e-9));
        assertThat(metric(report, "ours / coturn: realistic, CPU per packet").kind()).isEqualTo(Kind.LATENCY);
        assertThat(metric(report, "ours: allocate + channelbind p99").value()).isEqualTo(1600);
        assertThat(metric(report, "ours: allocate, failed clients").kind()).isEqualTo(Kind.FAULTS);
        assertThat(metric(report, "ours: added latency p50").value()).isZero(); // the same round trips as direct
        assertThat(metric(report, "coturn: added latency p50").kind()).isEqualTo(Kind.INFO);
        assertThat(report.config()).containsEntry("server core", "0");
        assertThat(report.load()).containsEntry("servers", "ours, coturn, direct");
        assertThat(report.environment()).containsKey("coturn");
        assertThat(report.verdict()).isEqualTo("ok");
    }

    @Test
    void aLossOfOursIsInTheVerdict() {
        ServerRun ours = SummaryTest.report("ours", 10, 12, 1500);
        StepResult r = ours.realistic();
        StepResult lossy = new StepResult(r.label(), r.flows(), r.offeredPps(), r.seconds(), r.sent(), r.echoed(),
                r.received() - 5, 0, 0, 5.0 / r.sent(), r.forwardedPps(), r.rtt(), r.sendLag(), r.serverCpuMicros(),
                r.serverRunMicros(), r.coreBusyMicros(), r.otherCores(), 0, 0, List.of());
        ServerRun run = new ServerRun("ours", "TURN", 1, ours.started(), Map.of(), null, null, lossy,
                ours.allocate(), ours.tcp());

        RunReport report = RelayReport.of(List.of(run), Map.of());

        assertThat(report.verdict()).isEqualTo("our relay lost packets in the realistic profile");
        assertThat(metric(report, "ours: realistic, loss").kind()).isEqualTo(Kind.FAULTS);
        assertThat(report.notes()).contains("coturn did not run: no ratios ours / coturn");
    }

    private static RunReport.Metric metric(RunReport report, String name) {
        assertThat(report.metrics()).containsKey(name);
        return report.metrics().get(name);
    }
}
