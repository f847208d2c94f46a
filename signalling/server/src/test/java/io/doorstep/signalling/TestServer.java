package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.config.SignallingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real signalling server on a free port with a temporary data directory and the test directory. */
public final class TestServer implements AutoCloseable {
    /** The shared HS256 secret of test servers, so tests can also forge and sign their own tokens. */
    public static final String SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    private final SignallingApp app;
    private final InetSocketAddress address;
    private final Path dataDir;
    private boolean crashed;

    private TestServer(Map<String, String> overrides) throws Exception {
        dataDir = Files.createTempDirectory("doorstep-test");
        Map<String, String> env = new HashMap<>();
        env.put("DOORSTEP_SERVER_HOST", "127.0.0.1");
        env.put("DOORSTEP_SERVER_PORT", "0");
        env.put("DOORSTEP_SERVER_IO_THREADS", "2");
        env.put("DOORSTEP_DATA_DIR", dataDir.toString());
        env.put("DOORSTEP_DIRECTORY_FILE", "classpath:test-directory.yaml");
        env.put("DOORSTEP_AUTH_HS256_SECRET", SECRET);
        env.put("DOORSTEP_AUTH_DEMO_TOKENS", "false");
        env.put("DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT", "0s");
        env.put("DOORSTEP_MEDIA_TURN_SECRET", "turn-secret-for-tests-0123456789abcdef");
        env.putAll(overrides);
        app = new SignallingApp(SignallingConfig.load(null, env));
        address = app.start();
    }

    public static TestServer start() throws Exception {
        return new TestServer(Map.of());
    }

    /** Starts with config overrides as environment variables, e.g. DOORSTEP_ROUTING_RING_TIMEOUT=300ms. */
    public static TestServer start(Map<String, String> overrides) throws Exception {
        return new TestServer(overrides);
    }

    public SignallingApp app() {
        return app;
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + address.getPort() + "/ws");
    }

    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    public String token(String id, Role role) {
        return app.token(id, role, Duration.ofHours(1));
    }

    public WsClient connect() {
        return WsClient.connect(wsUri(), Map.of());
    }

    /** A connection signed in as {@code id}. */
    public WsClient signIn(String id, Role role) {
        WsClient c = connect();
        c.hello(token(id, role));
        return c;
    }

    /** An agent signed in and set available. */
    public WsClient availableAgent(String id) {
        WsClient c = signIn(id, Role.AGENT);
        c.setAvailable();
        return c;
    }

    /**
     * A station's call for {@code item}, accepted by {@code agent} (which must be the one it is offered to), with
     * both sides told it is connected and given their document access. Returns the call id.
     */
    public static String connectedCall(WsClient station, WsClient agent, String item) {
        station.send(new ClientMessage.CallRequest(null, item, false));
        String callId = station.await(ServerMessage.CallQueued.class).callId();
        assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
        agent.send(new ClientMessage.CallAccept(null, callId));
        agent.await(ServerMessage.CallConnected.class);
        station.await(ServerMessage.CallConnected.class);
        agent.await(ServerMessage.DocumentsAccess.class);
        station.await(ServerMessage.DocumentsAccess.class);
        return callId;
    }

    /** The Prometheus text of {@code /metrics}, read with an operator's token. */
    public String metrics() throws IOException, InterruptedException {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(httpUri("/metrics"))
                        .header("Authorization", "Bearer " + token("op-test-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    /** The call log lines written so far. */
    public List<JsonNode> callLog() {
        try {
            ObjectMapper json = new ObjectMapper();
            return Files.readAllLines(dataDir.resolve("calls.jsonl")).stream().map(line -> {
                try {
                    return json.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException("corrupt call log line: " + line, e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The call log lines of one call. */
    public List<JsonNode> callLog(String callId) {
        return callLog().stream().filter(n -> n.path("callId").asText().equals(callId)).toList();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Holds the node's cluster heartbeat back for {@code pause}, as a long GC pause or a partition would. */
    public void stallHeartbeat(Duration pause) {
        app.stallHeartbeat(pause);
    }

    /** Kills the server as a crash would: no drain, no leave, its connections just close. */
    public void crash() {
        crashed = true;
        app.crash();
    }

    @Override
    public void close() {
        if (!crashed) {
            app.close();
        }
    }
}
