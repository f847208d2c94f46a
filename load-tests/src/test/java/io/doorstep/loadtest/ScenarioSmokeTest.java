package io.doorstep.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.SmokeReports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every signalling scenario through the command line, seconds long, against an in-process server on real sockets:
 * the tool runs, writes its three reports, its JSON reads back, and compare tells a regression from none. Nothing
 * here asserts a timing.
 */
class ScenarioSmokeTest {
    private static final int STATIONS = 20;
    private static final int AGENTS = 10;

    @TempDir
    Path dir;

    /** Kept after the test (not in the temporary directory), so CI can keep them and a person can look. */
    private Path reports;

    @BeforeEach
    void cleanReports(TestInfo test) throws IOException {
        reports = SmokeReports.directory(test.getTestMethod().orElseThrow().getName());
    }

    @Test
    void districtPeakPlacesCallsThatDropResumeAndEnd() throws Exception {
        // A server wrap-up longer than the agents' scaled one, so agents end their after-call work themselves.
        try (BenchServer server = new BenchServer(dir, STATIONS, AGENTS, Map.of("DOORSTEP_ROUTING_WRAP_UP", "5s"))) {
            int exit = run(server, "district-peak", "--stations", "20", "--agents", "10",
                    "--calls-per-station-hour", "1.5", "--time-scale", "600", "--duration", "3s", "--interval", "1s",
                    "--drop-share", "1.0", "--reconnect-after", "200ms", "--drain-timeout", "20s");

            RunReport report = reportOf("district-peak");
            assertThat(exit).as(report.notes().toString()).isZero();
            assertThat(metric(report, "calls requested")).isPositive();
            assertThat(metric(report, "calls completed")).isPositive();
            assertThat(metric(report, "calls resumed")).isPositive();
            assertThat(metric(report, "errors")).isZero();
            assertThat(report.metrics()).containsKeys("request -> offer p99", "request -> connected p99.9",
                    "service level", "abandoned", "completed calls per second");
            assertThat(report.charts()).hasSize(4);
        }
    }

    @Test
    void soakFindsNothingLeftBehindAndEveryCallLogged() throws Exception {
        try (BenchServer server = new BenchServer(dir, STATIONS, AGENTS, Map.of())) {
            int exit = run(server, "soak", "--stations", "20", "--agents", "10", "--rate", "20", "--duration", "2s",
                    "--checkpoint", "1s", "--warmup", "0s", "--talk-time", "20ms",
                    "--server-pid", Long.toString(ProcessHandle.current().pid()),
                    "--call-log", server.callLog().toString(), "--max-heap-growth-mb", "1000");

            RunReport report = reportOf("soak");
            assertThat(exit).as(report.verdict()).isZero();
            assertThat(metric(report, "call log: calls recorded")).isEqualTo(40);
            assertThat(metric(report, "call log: calls missing")).isZero();
            assertThat(metric(report, "call log: calls without an end")).isZero();
            assertThat(metric(report, "sessions left in the server")).isZero();
            assertThat(metric(report, "calls left in progress")).isZero();
            assertThat(report.metrics()).containsKey("server live heap growth");
        }
    }

    @Test
    void districtAndRampWriteReportsThatCompareFlagsWhenWorse() throws Exception {
        try (BenchServer server = new BenchServer(dir, STATIONS, AGENTS, Map.of())) {
            assertThat(run(server, "district", "--stations", "20", "--agents", "10", "--rate", "20",
                    "--duration", "2s", "--warmup", "0s", "--slice", "1s", "--talk-time", "20ms")).isZero();
            assertThat(run(server, "ramp", "--stations", "20", "--agents", "10", "--rates", "10,20",
                    "--step-duration", "1s", "--warmup", "0s", "--slice", "1s", "--talk-time", "20ms")).isZero();
        }
        RunReport district = reportOf("district");
        assertThat(district.metrics()).containsKeys("request -> offer p99", "completed calls per second");
        assertThat(district.charts()).isNotEmpty();
        assertThat(reportOf("ramp").metrics()).containsKeys("knee", "at 20/s: request -> offer p99");
        assertThat(Files.readString(reports.resolve("district-latest.md"))).contains("| request -> offer p99 |");
        SmokeReports.assertCompareReads(reports.resolve("district-latest.json"), dir.resolve("worse"));
    }

    private int run(BenchServer server, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(server.targetArgs());
        all.addAll(List.of("--report-dir", reports.toString()));
        all.addAll(List.of(args));
        return SignallingBench.commandLine().execute(all.toArray(String[]::new));
    }

    private RunReport reportOf(String scenario) throws Exception {
        return SmokeReports.latest(reports, scenario);
    }

    private static double metric(RunReport report, String name) {
        assertThat(report.metrics()).containsKey(name);
        return report.metrics().get(name).value();
    }
}
