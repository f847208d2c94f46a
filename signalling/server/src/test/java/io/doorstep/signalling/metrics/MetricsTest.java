package io.doorstep.signalling.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics an operator's dashboard needs, after real calls over real WebSockets: one answered after a reject and
 * completed, one cancelled, one still waiting. Checks names, types, labels and values, then lints the whole scrape
 * with Prometheus's own {@code promtool}.
 */
class MetricsTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    static TestServer server;
    static String scrape;
    static Map<String, Double> samples;
    static Map<String, String> types;
    static String waitingCall;

    @BeforeAll
    static void callsThenScrape() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s"));
        try (WsClient first = server.availableAgent("ag-mi-01");
             WsClient second = server.availableAgent("ag-mi-02");
             WsClient completed = server.signIn("st-test-01", Role.STATION);
             WsClient cancelled = server.signIn("st-test-02", Role.STATION);
             WsClient waiting = server.signIn("st-test-03", Role.STATION)) {
            // Completed: offered to the longest idle agent, rejected, answered by the other, hung up.
            completed.send(new ClientMessage.CallRequest("r1", "MI-001", false));
            String callId = completed.expect(ServerMessage.CallQueued.class).callId();
            first.send(new ClientMessage.CallReject("no", first.await(ServerMessage.CallOffer.class).callId(), null));
            second.send(new ClientMessage.CallAccept("yes", second.await(ServerMessage.CallOffer.class).callId()));
            second.await(ServerMessage.CallConnected.class);
            completed.await(ServerMessage.CallConnected.class);
            Thread.sleep(20); // some talk time
            second.send(new ClientMessage.CallHangup("bye", callId, null));
            assertThat(completed.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.COMPLETED);
            second.await(ServerMessage.AgentStateChanged.class, m -> m.state() == AgentState.AVAILABLE);

            // Cancelled: no pensions agent on duty.
            cancelled.send(new ClientMessage.CallRequest("r2", "PE-001", true));
            String cancelledId = cancelled.expect(ServerMessage.CallQueued.class).callId();
            cancelled.send(new ClientMessage.CallCancel("c2", cancelledId));
            assertThat(cancelled.expect(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.CANCELLED);

            // Still waiting: no housing-fund agent at all. And one error reply.
            waiting.send(new ClientMessage.CallRequest("r3", "HF-001", false));
            waitingCall = waiting.expect(ServerMessage.CallQueued.class).callId();
            waiting.send(new ClientMessage.CallRequest("r4", "HF-002", false));
            assertThat(waiting.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.ALREADY_IN_CALL);
            cancelled.send(new ClientMessage.CallRequest("r5", "XX-000", false));
            assertThat(cancelled.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.UNKNOWN_SERVICE_ITEM);

            Thread.sleep(1100); // the waiting call's age shows in whole seconds
            // A ping round trip: the switchboard thread has applied everything before it.
            waiting.send(new ClientMessage.Ping("sync", waiting.lastSeq()));
            waiting.expect(ServerMessage.Pong.class);
            scrape = get("/metrics");
        }
        parse(scrape);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.httpUri(path))
                        .header("Authorization", "Bearer " + server.token("op-test-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)$");

    /** Samples by their series as written ({@code name{label="v",...}}, labels sorted) and types by family. */
    static void parse(String text) {
        samples = new LinkedHashMap<>();
        types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                types.put(p[2], p[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("a sample line: %s", line).isTrue();
                samples.put(m.group(1) + sortedLabels(m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
    }

    private static String sortedLabels(String labels) {
        if (labels == null || labels.equals("{}")) {
            return "";
        }
        List<String> parts = new ArrayList<>(List.of(labels.substring(1, labels.length() - 1).split(",")));
        parts.removeIf(String::isBlank);
        parts.sort(null);
        return "{" + String.join(",", parts) + "}";
    }

    private static double value(String name, String... labels) {
        String key = name + sortedLabels(labels.length == 0 ? null : "{" + String.join(",", labels) + "}");
        Double v = samples.get(key);
        if (v == null) {
            fail("no sample " + key + " in the scrape; samples of that name: "
                    + samples.keySet().stream().filter(k -> k.startsWith(name)).toList());
        }
        return v;
    }

    private static String label(String name, String value) {
        return name + "=\"" + value + "\"";
    }

    private static final String MI = label("skill_group", "medical-insurance");
    private static final String PE = label("skill_group", "pensions");
    private static final String HF = label("skill_group", "housing-fund");

    @Test
    void queueGauges() {
        assertThat(types).containsEntry("doorstep_queue_length", "gauge")
                .containsEntry("doorstep_queue_oldest_wait_seconds", "gauge");
        assertThat(value("doorstep_queue_length", HF)).isEqualTo(1);
        assertThat(value("doorstep_queue_length", MI)).isZero();
        assertThat(value("doorstep_queue_length", PE)).isZero();
        assertThat(value("doorstep_queue_oldest_wait_seconds", HF)).isGreaterThanOrEqualTo(1.0).isLessThan(60.0);
        assertThat(value("doorstep_queue_oldest_wait_seconds", MI)).isZero();
        assertThat(value("doorstep_calls_in_progress")).isEqualTo(1);
        assertThat(types).containsEntry("doorstep_calls_in_progress", "gauge");
    }

    @Test
    void waitAndAnswerHistograms() {
        assertThat(types).containsEntry("doorstep_call_wait_seconds", "histogram")
                .containsEntry("doorstep_call_answer_seconds", "histogram")
                .containsEntry("doorstep_call_duration_seconds", "histogram");
        assertThat(value("doorstep_call_wait_seconds_bucket", MI, label("le", "+Inf"))).isEqualTo(1);
        assertThat(value("doorstep_call_wait_seconds_bucket", MI, label("le", "5.0"))).as("answered at once")
                .isEqualTo(1);
        assertThat(value("doorstep_call_wait_seconds_count", MI)).isEqualTo(1);
        assertThat(value("doorstep_call_wait_seconds_sum", MI)).isGreaterThanOrEqualTo(0).isLessThan(5);
        assertThat(value("doorstep_call_wait_seconds_count", PE)).as("cancelled: never answered").isZero();
        assertThat(value("doorstep_call_answer_seconds_bucket", MI, label("le", "+Inf"))).isEqualTo(1);
        assertThat(value("doorstep_call_answer_seconds_count", MI)).isEqualTo(1);
        assertThat(value("doorstep_call_duration_seconds_count")).isEqualTo(1);
        assertThat(value("doorstep_call_duration_seconds_sum")).isGreaterThan(0.0).isLessThan(5.0);
        assertThat(value("doorstep_call_duration_seconds_bucket", label("le", "60.0"))).isEqualTo(1);
    }

    @Test
    void serviceLevelAndOutcomes() {
        assertThat(types).containsEntry("doorstep_service_level_ratio", "gauge")
                .containsEntry("doorstep_calls_answered_total", "counter")
                .containsEntry("doorstep_calls_abandoned_total", "counter")
                .containsEntry("doorstep_calls_ended_total", "counter")
                .containsEntry("doorstep_offers_declined_total", "counter");
        assertThat(value("doorstep_service_level_ratio", MI)).isEqualTo(1.0);
        assertThat(value("doorstep_service_level_ratio", PE)).as("one cancelled, none answered").isZero();
        assertThat(value("doorstep_service_level_ratio", HF)).as("nothing answered or abandoned yet").isEqualTo(1.0);
        assertThat(value("doorstep_calls_answered_total", MI, label("within_target", "true"))).isEqualTo(1);
        assertThat(value("doorstep_calls_answered_total", MI, label("within_target", "false"))).isZero();
        assertThat(value("doorstep_calls_abandoned_total", PE)).isEqualTo(1);
        assertThat(value("doorstep_calls_abandoned_total", MI)).isZero();
        assertThat(value("doorstep_calls_ended_total", label("reason", "completed"))).isGreaterThanOrEqualTo(1);
        assertThat(value("doorstep_calls_ended_total", label("reason", "cancelled"))).isGreaterThanOrEqualTo(1);
        assertThat(value("doorstep_calls_ended_total", label("reason", "failed"))).isZero();
        assertThat(value("doorstep_offers_declined_total", label("cause", "reject"))).isEqualTo(1);
    }

    @Test
    void agentsSessionsMessagesAndErrors() {
        assertThat(types).containsEntry("doorstep_agents", "gauge").containsEntry("doorstep_sessions", "gauge")
                .containsEntry("doorstep_messages_received_total", "counter")
                .containsEntry("doorstep_messages_sent_total", "counter")
                .containsEntry("doorstep_errors_total", "counter");
        assertThat(value("doorstep_agents", label("state", "available"))).isEqualTo(2);
        for (String state : List.of("offered", "busy", "wrap_up", "away")) {
            assertThat(value("doorstep_agents", label("state", state))).as(state).isZero();
        }
        assertThat(value("doorstep_sessions", label("role", "station"))).isEqualTo(3);
        assertThat(value("doorstep_sessions", label("role", "agent"))).isEqualTo(2);
        assertThat(value("doorstep_sessions", label("role", "operator"))).isZero();
        assertThat(value("doorstep_messages_received_total", label("type", "call.request"))).isEqualTo(5);
        assertThat(value("doorstep_messages_received_total", label("type", "call.reject"))).isEqualTo(1);
        assertThat(value("doorstep_messages_sent_total")).isGreaterThan(20);
        assertThat(value("doorstep_errors_total", label("code", "UNKNOWN_SERVICE_ITEM"))).isEqualTo(1);
        assertThat(value("doorstep_errors_total", label("code", "ALREADY_IN_CALL"))).isEqualTo(1);
        assertThat(value("doorstep_errors_total", label("code", "INTERNAL"))).isZero();
        assertThat(value("doorstep_call_log_append_seconds_count")).as("queued, offered, reject, offered, "
                + "connected, ended; queued, ended; queued").isEqualTo(9);
        double work = samples.entrySet().stream().filter(e -> e.getKey().startsWith(
                "doorstep_switchboard_work_seconds_count{")).mapToDouble(Map.Entry::getValue).sum();
        assertThat(work).as("every message after hello, pings included, over all types")
                .isGreaterThanOrEqualTo(6).isEqualTo(value("doorstep_switchboard_wait_seconds_count"));
        assertThat(value("doorstep_switchboard_work_seconds_count", label("type", "call.request"))).isEqualTo(5);
    }

    @Test
    void everyDoorstepFamilyHasHelpAndAType() {
        List<String> families = types.keySet().stream().filter(n -> n.startsWith("doorstep_")).sorted().toList();
        assertThat(families).containsExactlyInAnyOrder("doorstep_agents", "doorstep_call_answer_seconds",
                "doorstep_call_duration_seconds", "doorstep_call_log_append_seconds", "doorstep_call_wait_seconds",
                // Micrometer timers also publish their recent maximum as a gauge.
                "doorstep_call_answer_seconds_max", "doorstep_call_duration_seconds_max",
                "doorstep_call_log_append_seconds_max", "doorstep_call_wait_seconds_max",
                "doorstep_calls_abandoned_total", "doorstep_calls_answered_total", "doorstep_calls_ended_total",
                "doorstep_calls_in_progress", "doorstep_document_events_total", "doorstep_relay_load_reports_total",
                "doorstep_errors_total",
                "doorstep_messages_received_total",
                "doorstep_messages_sent_total", "doorstep_offers_declined_total", "doorstep_queue_length",
                "doorstep_queue_oldest_wait_seconds", "doorstep_service_level_ratio", "doorstep_sessions",
                "doorstep_switchboard_wait_seconds", "doorstep_switchboard_wait_seconds_max",
                "doorstep_switchboard_work_seconds", "doorstep_switchboard_work_seconds_max",
                // Call quality from the parties' call.stats reports.
                "doorstep_call_quality_reports_total", "doorstep_call_video_stalled_total",
                "doorstep_call_rtt_seconds", "doorstep_call_rtt_seconds_max", "doorstep_call_jitter_seconds",
                "doorstep_call_jitter_seconds_max", "doorstep_call_loss_percent", "doorstep_call_loss_percent_max",
                "doorstep_call_bitrate_bytes_per_second", "doorstep_call_bitrate_bytes_per_second_max",
                // Stations' kits as they report them (device.status).
                "doorstep_station_devices");
        for (String family : families) {
            assertThat(scrape).as("HELP of " + family).containsPattern("(?m)^# HELP " + family + " \\S");
        }
    }

    /** What promtool said, and its exit code. */
    record Lint(int exitCode, List<String> problems) {
    }

    private static Lint promtool(String text) throws Exception {
        assertThat(Files.isExecutable(PROMTOOL))
                .as("promtool is missing: install the Debian package 'prometheus' (apt-get install -y prometheus); "
                        + "./doorstep test installs it")
                .isTrue();
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        List<String> lines = output.get(5, TimeUnit.SECONDS).lines().filter(l -> !l.isBlank()).toList();
        return new Lint(p.exitValue(), lines);
    }

    /** The families we declare: their HELP, TYPE and sample lines. */
    private static String doorstepFamiliesOnly(String text) {
        return text.lines()
                .filter(l -> l.startsWith("doorstep_") || l.startsWith("# HELP doorstep_")
                        || l.startsWith("# TYPE doorstep_"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    /**
     * Prometheus's linter over the metrics we declare (SignallingMetrics). Acceptable: nothing at all. promtool
     * prints one line per problem ("metric problem") and exits 3 for lint problems, 1 for a format error, 0 when clean.
     */
    @Test
    void ourMetricsPassPromtoolCleanly() throws Exception {
        String ours = doorstepFamiliesOnly(scrape);
        assertThat(ours.lines().count()).isGreaterThan(100);
        Lint lint = promtool(ours);
        assertThat(lint.problems()).as("promtool check metrics on the doorstep_* families").isEmpty();
        assertThat(lint.exitCode()).isZero();
    }

    /**
     * The whole scrape as Prometheus gets it, including Micrometer's JVM and process binders. Acceptable: only the two
     * known findings on Micrometer's own standard names below, which the stock Micrometer JVM dashboards query by
     * these names, so renaming them would break operators' dashboards for a linter's taste. Anything else (a format
     * error, any problem with a doorstep_ metric, a new finding after a Micrometer upgrade) fails, so it is looked at.
     */
    @Test
    void theWholeScrapeHasOnlyKnownThirdPartyLintFindings() throws Exception {
        List<String> accepted = List.of(
                "process_cpu_time_ns_total metric names should not contain abbreviated units",
                "system_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix");
        Lint lint = promtool(scrape);
        assertThat(lint.problems()).as("promtool check metrics on the whole scrape")
                .allSatisfy(line -> assertThat(line).isIn(accepted))
                .noneMatch(line -> line.contains("doorstep_"));
        assertThat(lint.exitCode()).as("0 clean, 3 lint findings only; 1 would be a format error").isIn(0, 3);
    }

    private static String readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theWaitingCallIsInTheSnapshotToo() throws Exception {
        String snapshot = get("/api/snapshot");
        assertThat(snapshot).contains(waitingCall);
    }
}
