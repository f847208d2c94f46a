package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.relays.RelayLoad;
import io.doorstep.signalling.SignallingApp;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.server.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The whole system in the test JVM, as {@code ./doorstep run} starts it: the real signalling server and the real
 * relay (TURN and documents) on free loopback ports, the relay posting its document events to the signalling
 * server, both sharing the TURN and document secrets. The relay lets loopback and private peers through: libwebrtc
 * uses the machine's own addresses even for a TURN server on 127.0.0.1.
 */
public final class DoorstepSystem implements AutoCloseable {
    public static final String STATION = "st-chuansha-lianmin";
    public static final String AGENT = "ag-chuansha-01";
    private static final String TURN_SECRET = "turn-secret-for-sdk-tests-0123456789abcdef";
    private static final String DOCUMENT_SECRET = "document-secret-for-sdk-tests-0123456789abcdef";

    private final Path dataDir;
    private final Map<String, String> signallingEnv = new HashMap<>();
    private SignallingApp signalling;
    private final RelayApp relay;
    private final int signallingPort;
    private final int turnPort;
    private final int documentsPort;

    private DoorstepSystem(Map<String, String> signallingOverrides, boolean turnsOnly) throws Exception {
        dataDir = Files.createTempDirectory("doorstep-sdk-test");
        signallingPort = freePort();
        turnPort = freePort();
        int tlsPort = turnsOnly ? freePort() : 0;
        documentsPort = freePort();
        Map<String, String> relayEnv = relayEnvironment(turnPort, documentsPort);
        if (turnsOnly) {
            Path tls = dataDir.resolve("tls");
            Tls.generateSelfSigned(tls, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
            relayEnv.put("DOORSTEP_TURN_TLS_PORT", Integer.toString(tlsPort));
            relayEnv.put("DOORSTEP_TURN_TLS_CERT", tls.resolve("cert.pem").toString());
            relayEnv.put("DOORSTEP_TURN_TLS_KEY", tls.resolve("key.pem").toString());
        }
        relay = new RelayApp(RelayConfig.load(null, relayEnv));
        relay.start();
        Map<String, String> env = new HashMap<>();
        env.put("DOORSTEP_SERVER_HOST", "127.0.0.1");
        env.put("DOORSTEP_SERVER_PORT", Integer.toString(signallingPort));
        env.put("DOORSTEP_SERVER_IO_THREADS", "2");
        env.put("DOORSTEP_DATA_DIR", dataDir.resolve("signalling").toString());
        env.put("DOORSTEP_AUTH_DEMO_TOKENS", "false");
        env.put("DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT", "0s");
        env.put("DOORSTEP_ROUTING_WRAP_UP", "1s");
        env.put("DOORSTEP_MEDIA_TURN_SECRET", TURN_SECRET);
        env.put("DOORSTEP_MEDIA_ICE_SERVERS", turnsOnly ? "turns:127.0.0.1:" + tlsPort + "?transport=tcp"
                : "turn:127.0.0.1:" + turnPort + "?transport=udp,turn:127.0.0.1:" + turnPort + "?transport=tcp");
        env.put("DOORSTEP_DOCUMENTS_TOKEN_SECRET", DOCUMENT_SECRET);
        env.put("DOORSTEP_DOCUMENTS_URL", "http://127.0.0.1:" + documentsPort + "/files/");
        env.put("DOORSTEP_DOCUMENTS_CALL_ENDS_URL", "http://127.0.0.1:" + documentsPort + "/internal/calls/ended");
        env.putAll(signallingOverrides);
        signallingEnv.putAll(env);
        signalling = new SignallingApp(SignallingConfig.load(null, env));
        signalling.start();
    }

    /** Stops the signalling server (draining: calls end) and starts a new one on the same port, knowing nothing. */
    public void restartSignalling() throws Exception {
        signalling.close();
        signalling = new SignallingApp(SignallingConfig.load(null, signallingEnv));
        signalling.start();
    }

    public static DoorstepSystem start() throws Exception {
        return new DoorstepSystem(Map.of(), false);
    }

    public static DoorstepSystem start(Map<String, String> signallingOverrides) throws Exception {
        return new DoorstepSystem(signallingOverrides, false);
    }

    /**
     * The relay also listens for TURN over TLS, with a self-signed certificate as {@code ./doorstep cert} makes it,
     * and the signalling server hands out that {@code turns:} URL alone: TLS is the only way to the relay.
     */
    public static DoorstepSystem startWithTurnsOnly() throws Exception {
        return new DoorstepSystem(Map.of(), true);
    }

    private Map<String, String> relayEnvironment(int turnPort, int documentsPort) {
        Map<String, String> env = new HashMap<>();
        env.put("DOORSTEP_DATA_DIR", dataDir.resolve("relay").toString());
        env.put("DOORSTEP_TURN_LISTEN_ADDRESS", "0.0.0.0");
        env.put("DOORSTEP_TURN_PORT", Integer.toString(turnPort));
        env.put("DOORSTEP_TURN_TLS_PORT", "0");
        env.put("DOORSTEP_TURN_EXTERNAL_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_TURN_IO_THREADS", "1");
        env.put("DOORSTEP_METRICS_PORT", "0");
        env.put("DOORSTEP_AUTH_REST_SECRET", TURN_SECRET);
        env.put("DOORSTEP_POLICY_ALLOW", "127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10");
        env.put("DOORSTEP_DOCUMENTS_LISTEN_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_DOCUMENTS_PORT", Integer.toString(documentsPort));
        env.put("DOORSTEP_DOCUMENTS_TOKEN_SECRET", DOCUMENT_SECRET);
        // the web pages the signalling server serves upload and read documents from the browser (CORS)
        env.put("DOORSTEP_DOCUMENTS_ALLOWED_ORIGINS", "http://127.0.0.1:" + signallingPort);
        env.put("DOORSTEP_DOCUMENTS_EVENTS_URL", "http://127.0.0.1:" + signallingPort
                + "/internal/documents/events");
        return env;
    }

    /** The agent goes available, the station calls (MR-001), the agent accepts: the call's id once connected. */
    public static String connectedCall(StationClient station, AgentClient agent, Recorder a) throws Exception {
        assertThat(agent.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS)).isEqualTo(AgentState.AVAILABLE);
        String callId = station.requestCall("MR-001", false).get(10, TimeUnit.SECONDS).callId();
        agent.accept(a.await(ServerMessage.CallOffer.class).callId()).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> callId.equals(station.callId()));
        return callId;
    }

    /** Another relay (TURN only, no documents), started, reporting its load to the signalling server as {@code id}. */
    public RelayApp reportingRelay(String id) throws Exception {
        Map<String, String> env = relayEnvironment(freePort(), 0);
        env.put("DOORSTEP_DATA_DIR", dataDir.resolve(id).toString());
        env.put("DOORSTEP_DOCUMENTS_ENABLED", "false");
        env.put("DOORSTEP_DOCUMENTS_EVENTS_URL", "");
        env.put("DOORSTEP_FLEET_REPORT_URL", "http://127.0.0.1:" + signallingPort + RelayLoad.PATH);
        env.put("DOORSTEP_FLEET_REPORT_INTERVAL", "1s");
        env.put("DOORSTEP_FLEET_RELAY_ID", id);
        RelayApp other = new RelayApp(RelayConfig.load(null, env));
        try {
            other.start();
            return other;
        } catch (RuntimeException | InterruptedException e) {
            other.close();
            throw e;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The relay as a browser's {@code iceServers} entry (TURN over UDP) with TURN REST credentials for {@code user},
     * made from the relay's secret as the signalling server makes them.
     */
    public Map<String, String> turnServer(String user) throws GeneralSecurityException {
        String username = (System.currentTimeMillis() / 1000 + 600) + ":" + user;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String credential = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        return Map.of("urls", "turn:127.0.0.1:" + turnPort + "?transport=udp", "username", username,
                "credential", credential);
    }

    public int documentsPort() {
        return documentsPort;
    }

    /** A document token for the relay, as the signalling server issues them, with upload and read. */
    public String documentToken(String subject, String callId, DocumentRole role) {
        return new DocumentTokens(DOCUMENT_SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC()).issue(
                subject, callId, role, Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ),
                Duration.ofMinutes(30));
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + signallingPort + "/ws");
    }

    public int signallingPort() {
        return signallingPort;
    }

    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + signallingPort + path);
    }

    public String token(String id, Role role) {
        return signalling.token(id, role, Duration.ofHours(1));
    }

    /** Options for {@code id} with short timeouts, so that tests of drops run quickly. */
    public ClientOptions.Builder options(String id, Role role) {
        return options(wsUri(), id, role);
    }

    public ClientOptions.Builder options(URI server, String id, Role role) {
        String token = token(id, role);
        return ClientOptions.builder(server, token)
                .reconnect(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0.3))
                .pongTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(10))
                .uploadChunkBytes(256 * 1024);
    }

    /** What an operator reads over HTTP ({@code /metrics}, {@code /api/snapshot}). */
    public String operatorGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(httpUri(path))
                .header("Authorization", "Bearer " + token("op-district-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** The sum of a Prometheus counter's samples whose series line contains every one of {@code labels}. */
    public double metric(String name, String... labels) throws IOException, InterruptedException {
        return operatorGet("/metrics").lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The call log lines of one call. */
    public List<JsonNode> callLog(String callId) {
        ObjectMapper json = new ObjectMapper();
        try {
            return Files.readAllLines(dataDir.resolve("signalling").resolve("calls.jsonl")).stream().map(line -> {
                try {
                    return json.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(n -> n.path("callId").asText().equals(callId)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        signalling.close();
        relay.close();
    }
}
