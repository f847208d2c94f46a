package io.doorstep.signalling.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring files in deploy/: the Prometheus alert rules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}), and every metric the rules and the Grafana dashboard query is one a real signalling
 * server or relay exposes, so a renamed metric cannot silently blank a panel or mute an alert.
 */
class MonitoringFilesTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** Metric names in PromQL: ours, the JVM binders', and Prometheus's own {@code up}. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:doorstep|jvm|process)_[a-z0-9_]+|up)\\b(?![(\"])");
    /**
     * Relay families registered on first use (an allocation ending, a refused authentication, a request answered):
     * a relay that has carried no call lacks them, so they are checked against the relay's documented metrics (docs/relay.md, docs/documents.md).
     */
    private static final Set<String> RELAY_ON_FIRST_USE = Set.of("doorstep_relay_allocations_ended_total",
            "doorstep_relay_auth_failures_total", "doorstep_relay_requests_total",
            "doorstep_relay_documents_uploads_failed_total");

    @TempDir
    static Path relayDir;

    static Path deploy;
    static Set<String> exposed = new TreeSet<>();

    @BeforeAll
    static void scrapeBoth() throws Exception {
        deploy = repositoryRoot().resolve("deploy");
        try (TestServer server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s"))) {
            callWithEverything(server);
            exposed.addAll(families(get(server.httpUri("/metrics"), server.token("op-test-01", Role.OPERATOR))));
        }
        int metricsPort = freePort();
        try (RelayApp relay = new RelayApp(RelayConfig.load(null, relayEnvironment(metricsPort)))) {
            relay.start();
            exposed.addAll(families(get(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"), null)));
        }
    }

    /** A call offered, rejected, answered, reported on and hung up, and one cancelled: every lazy family appears. */
    private static void callWithEverything(TestServer server) {
        try (WsClient first = server.availableAgent("ag-mi-01");
             WsClient second = server.availableAgent("ag-mi-02");
             WsClient station = server.signIn("st-test-01", Role.STATION);
             WsClient other = server.signIn("st-test-02", Role.STATION)) {
            station.send(new ClientMessage.CallRequest(null, "MI-001", false));
            String callId = station.await(ServerMessage.CallQueued.class).callId();
            first.send(new ClientMessage.CallReject(null, first.await(ServerMessage.CallOffer.class).callId(), null));
            second.send(new ClientMessage.CallAccept(null, second.await(ServerMessage.CallOffer.class).callId()));
            station.await(ServerMessage.CallConnected.class);
            station.send(new ClientMessage.CallStats("s", callId, 80.0, 4.0, 1L, 0.01, 800.0, 700.0, 10L, "relay",
                    "udp"));
            station.await(ServerMessage.Ok.class);
            station.send(new ClientMessage.CallHangup(null, callId, null));
            station.await(ServerMessage.CallEnded.class);
            other.send(new ClientMessage.CallRequest(null, "PE-001", false));
            other.send(new ClientMessage.CallCancel("c", other.await(ServerMessage.CallQueued.class).callId()));
            other.await(ServerMessage.CallEnded.class);
        }
    }

    @Test
    void alertRulesPassPromtoolCheck() throws Exception {
        String out = promtool("check", "rules", deploy.resolve("prometheus/doorstep-alerts.yml").toString());
        assertThat(out).contains("SUCCESS: 9 rules found");
    }

    @Test
    void alertRulesPassTheirUnitTests() throws Exception {
        String out = promtool("test", "rules", deploy.resolve("prometheus/doorstep-alerts.test.yml").toString());
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void everyMetricTheAlertsQueryIsExposed() throws Exception {
        assertExposed(names(Files.readString(deploy.resolve("prometheus/doorstep-alerts.yml")).lines()
                .filter(l -> l.strip().startsWith("expr:") || l.startsWith("          ")).toList()));
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExposed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(deploy.resolve("grafana/doorstep.json").toFile());
        List<String> exprs = dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
        assertThat(exprs).hasSizeGreaterThan(40);
        assertThat(dashboard.findValues("uid").stream().map(JsonNode::asText))
                .as("every panel asks the datasource chosen at import").allMatch(u -> u.equals("${datasource}")
                        || u.equals("doorstep-overview"));
        assertExposed(names(exprs));
    }

    @Test
    void metricNamesAreReadFromQueriesButNotFromFunctionsOrLabels() {
        assertThat(names(List.of("sum by (skill_group) (rate(doorstep_calls_answered_total{within_target=\"true\"}[5m]))"
                + " / on() up{job=\"doorstep-signalling\"} and histogram_quantile(0.9, doorstep_x_seconds_bucket)")))
                .containsExactly("doorstep_calls_answered_total", "doorstep_x_seconds_bucket", "up");
        assertThat(exposed).contains("doorstep_queue_length", "doorstep_relay_allocations_active",
                "doorstep_switchboard_wait_seconds_bucket").doesNotContain("doorstep_x_seconds_bucket");
    }

    private static void assertExposed(Set<String> names) throws IOException {
        String relayDocs = Files.readString(repositoryRoot().resolve("docs/relay.md"))
                + Files.readString(repositoryRoot().resolve("docs/documents.md"));
        assertThat(names).isNotEmpty();
        for (String name : names) {
            if (name.equals("up")) {
                continue; // Prometheus's own
            }
            if (RELAY_ON_FIRST_USE.contains(name)) {
                assertThat(relayDocs).as("documented relay metric").contains("`" + name + "`");
                continue;
            }
            assertThat(exposed).as("metric queried but not exposed").contains(name);
        }
    }

    /** The metric families a query names, with histogram suffixes taken as the histogram's own samples. */
    private static Set<String> names(List<String> exprs) {
        Set<String> out = new TreeSet<>();
        for (String expr : exprs) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Sample names in a scrape (with _bucket, _count, _sum as they appear). */
    private static Set<String> families(String scrape) {
        return scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String get(URI uri, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri);
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(uri.toString()).isEqualTo(200);
        return res.body();
    }

    private static String promtool(String... args) throws Exception {
        assertThat(Files.isExecutable(PROMTOOL)).as("promtool is missing: install the Debian package 'prometheus'"
                + " (scripts/test-env.sh does)").isTrue();
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes(); // promtool's output is small; it ends when promtool does
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + text).isZero();
        return text;
    }

    private static Map<String, String> relayEnvironment(int metricsPort) throws IOException {
        Map<String, String> env = RelayEnvironment.of(relayDir.toString(), freePort(),
                "document-secret-for-monitoring-tests-0123456789");
        env.put("DOORSTEP_METRICS_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_METRICS_PORT", String.valueOf(metricsPort));
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path repositoryRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("docs/protocol.md"))) {
            root = root.getParent();
        }
        assertThat(root).as("repository root").isNotNull();
        return root;
    }
}
