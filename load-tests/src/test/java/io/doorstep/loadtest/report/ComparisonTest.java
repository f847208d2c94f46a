package io.doorstep.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What compare flags, by kind of metric and margin. */
class ComparisonTest {
    private static final Comparison.Margins MARGINS = Comparison.Margins.DEFAULT; // latency +20 %, throughput -10 %

    @Test
    void withinTheMarginsIsNoRegression() {
        Comparison c = Comparison.of(run(2.0, 100, 0, 1), run(2.3, 95, 0, 5), MARGINS);
        assertThat(c.regressed()).isFalse();
        assertThat(c.lines()).hasSize(3); // the INFO metric is shown in neither
    }

    @Test
    void slowerLessAndFaultierAreEachFlagged() {
        Comparison c = Comparison.of(run(2.0, 100, 0, 1), run(2.5, 85, 1, 1), MARGINS);
        assertThat(c.regressions()).hasSize(3);
        assertThat(c.text(MARGINS)).contains("3 REGRESSION(S)");
    }

    /** An added latency (through a relay minus the direct path) can be negative when both are close. */
    @Test
    void aNegativeFigureRegressesOnlyWhenItRisesBeyondTheMargin() {
        assertThat(Comparison.of(run(-10, 100, 0, 1), run(-10, 100, 0, 1), MARGINS).regressed()).isFalse();
        assertThat(Comparison.of(run(-10, 100, 0, 1), run(-8.5, 100, 0, 1), MARGINS).regressed()).isFalse();
        assertThat(Comparison.of(run(-10, 100, 0, 1), run(-7.5, 100, 0, 1), MARGINS).regressed()).isTrue();
    }

    @Test
    void anUnknownFigureIsNotCompared() {
        Comparison c = Comparison.of(run(Double.NaN, 100, 0, 1), run(9.0, 100, 0, 1), MARGINS);
        assertThat(c.regressed()).isFalse();
    }

    @Test
    void differentScenariosDoNotCompare() {
        RunReport other = new RunReport("soak", "t", Map.of(), Map.of(), Map.of(), Map.of(), List.of(), List.of(),
                "ok");
        assertThat(Comparison.of(run(1, 1, 0, 1), other, MARGINS).regressed()).isTrue();
    }

    @Test
    void chartsAreInlineSvgWithGapsForUnknownPoints() {
        RunReport.Chart chart = new RunReport.Chart("p99 <ms>", "s", "ms", List.of(1.0, 2.0, 3.0),
                Map.of("p99", List.of(1.0, Double.NaN, 3.0)));
        String svg = SvgChart.render(chart);
        assertThat(svg).startsWith("<svg").contains("p99 &lt;ms&gt;").doesNotContain("NaN");
        // Two segments (two moves) in the line: the unknown point is a gap, not a drop to zero; each point alone
        // in its segment is drawn as a dot (a zero-length line with round caps).
        assertThat(svg).containsPattern("d=\"M[^\"L]+ l0 0 M[^\"L]+ l0 0\" stroke=\"#0072B2\"")
                .contains("stroke-linecap=\"round\"");
    }

    private static RunReport run(double p99, double throughput, double errors, double info) {
        return new RunReport("district", "t", Map.of(), Map.of(), Map.of(), Map.of(
                "request -> offer p99", new RunReport.Metric(p99, "ms", RunReport.Kind.LATENCY),
                "completed calls per second", new RunReport.Metric(throughput, "/s", RunReport.Kind.THROUGHPUT),
                "errors", new RunReport.Metric(errors, "", RunReport.Kind.FAULTS),
                "calls requested", new RunReport.Metric(info, "", RunReport.Kind.INFO)), List.of(), List.of(), "ok");
    }
}
