package io.doorstep.relay.server;

import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.transport.TurnServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A relay started in this JVM on loopback, on ports the OS picks, configured as the README's one-machine test
 * set-up: static users alice and bob, a TURN REST secret, loopback peers allowed. Each test gets its own, so
 * counters start at zero.
 */
public final class TestRelay implements AutoCloseable {
    public static final String ALICE = "alice";
    public static final String ALICE_PASSWORD = "alice-pw";
    public static final String BOB = "bob";
    public static final String BOB_PASSWORD = "bob-pw";
    public static final String REST_SECRET = "test-rest-secret-0123456789abcdef";
    public static final String REALM = "doorstep";
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** A setting's value meaning "a TCP port free on loopback", picked when the relay starts: see {@link #start}. */
    public static final String FREE_TCP_PORT = "<a free TCP port>";
    private static final int START_ATTEMPTS = 5;

    private final RelayApp app;

    private TestRelay(RelayApp app) {
        this.app = app;
    }

    /** The settings every test relay starts from; {@code overrides} (DOORSTEP_* names) replace or add to them. */
    public static Map<String, String> environment(Path dataDir, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("DOORSTEP_TURN_LISTEN_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_TURN_PORT", "0");
        env.put("DOORSTEP_TURN_TLS_PORT", "0");
        env.put("DOORSTEP_TURN_EXTERNAL_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_TURN_RELAY_ADDRESS", "127.0.0.1");
        // Above Linux's ephemeral ports (32768-60999): a peer tool's own socket (turnutils_uclient's, say) can then
        // never sit on a port the relay reserved for an RTCP allocation (EVEN-PORT), which would answer 508.
        env.put("DOORSTEP_TURN_RELAY_PORT_MIN", "61000");
        env.put("DOORSTEP_TURN_RELAY_PORT_MAX", "65535");
        env.put("DOORSTEP_TURN_IO_THREADS", "2");
        env.put("DOORSTEP_TURN_UDP_SOCKETS", "2");
        env.put("DOORSTEP_POLICY_ALLOW", "127.0.0.0/8");
        env.put("DOORSTEP_METRICS_PORT", "0");
        env.put("DOORSTEP_DOCUMENTS_LISTEN_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_DOCUMENTS_PORT", "0");
        env.put("DOORSTEP_AUTH_REST_SECRET", REST_SECRET);
        env.put("DOORSTEP_DATA_DIR", dataDir.resolve("data").toString());
        env.putAll(overrides);
        return env;
    }

    /**
     * Starts a relay; {@code overrides} are DOORSTEP_* settings over {@link #environment}. A value of
     * {@link #FREE_TCP_PORT} becomes a port free for TCP, picked anew on each attempt: the relay starts again, up to
     * {@value #START_ATTEMPTS} times, when one of those ports was taken between the pick and the bind. (The UDP/TCP
     * port 0 needs no help: the relay itself looks for a port free for both.)
     */
    public static TestRelay start(Path dir, Map<String, String> overrides) {
        try {
            Path file = dir.resolve("relay-test.yaml");
            Files.writeString(file, "auth:\n  static-users:\n    " + ALICE + ": " + ALICE_PASSWORD + "\n    "
                    + BOB + ": " + BOB_PASSWORD + "\n", StandardCharsets.UTF_8);
            boolean picksPorts = overrides.containsValue(FREE_TCP_PORT);
            for (int attempt = 1; ; attempt++) {
                Map<String, String> settings = new HashMap<>(overrides);
                for (Map.Entry<String, String> e : settings.entrySet()) {
                    if (FREE_TCP_PORT.equals(e.getValue())) {
                        e.setValue(String.valueOf(Ports.freeTcpPort()));
                    }
                }
                RelayApp app = new RelayApp(RelayConfig.load(file, environment(dir, settings)));
                try {
                    app.start();
                    return new TestRelay(app);
                } catch (InterruptedException e) {
                    app.close();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (Exception e) { // Netty's sync() rethrows the bind's IOException undeclared
                    app.close();
                    if (attempt == START_ATTEMPTS || !picksPorts || !TurnServer.addressInUse(e)) {
                        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                    System.err.println("TestRelay: a port picked for it was taken before it could bind ("
                            + e.getMessage() + "); starting again with others, attempt " + (attempt + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RelayApp app() {
        return app;
    }

    /** The UDP and TCP TURN address, as a client on this machine dials it. */
    public InetSocketAddress address() {
        return new InetSocketAddress(LOOPBACK, app.turnAddress().getPort());
    }

    public InetSocketAddress tlsAddress() {
        return new InetSocketAddress(LOOPBACK, app.tlsAddress().getPort());
    }

    /** The value of a counter, 0 when it has not been registered yet (some are made on first use). */
    public double counter(String name, String... tags) {
        Counter c = app.registry().find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    public double dropped(String reason) {
        return counter("doorstep.relay.dropped", "reason", reason);
    }

    /** Every drop, whatever the reason. */
    public double droppedTotal() {
        return app.registry().find("doorstep.relay.dropped").counters().stream().mapToDouble(Counter::count).sum();
    }

    public double activeAllocations() {
        Gauge g = app.registry().get("doorstep.relay.allocations.active").gauge();
        return g.value();
    }

    /** GET on the metrics endpoint (needs DOORSTEP_METRICS_PORT set); returns status and body. */
    public HttpResponse<String> http(String path, String bearer) {
        InetSocketAddress m = app.metricsAddress();
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(
                            new URI("http", null, m.getAddress().getHostAddress(), m.getPort(), path, null, null))
                    .timeout(Duration.ofSeconds(5));
            if (bearer != null) {
                req.header("Authorization", "Bearer " + bearer);
            }
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TURN REST API username valid until {@code expiry} (Unix seconds), and its password. */
    public static String[] restCredentials(long expiry, String id) {
        String username = expiry + ":" + id;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(REST_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String password = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
            return new String[] {username, password};
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
