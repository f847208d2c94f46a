package io.doorstep.client.internal.media;

import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.media.IceServerProvider;
import io.doorstep.relay.transport.TurnServer;
import io.doorstep.signalling.server.Tls;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Our TURN relay, started in this JVM on 127.0.0.1 as the one-machine set-up of docs/relay.md: a TURN REST secret,
 * loopback peers allowed (both parties' relayed addresses are the relay's own), TURN over TLS with a self-signed
 * certificate made as {@code ./doorstep cert} makes it, no document relay. ICE servers come from the signalling
 * server's own {@link IceServerProvider}, so the credentials are the ones a real call gets.
 */
final class TurnRelay implements AutoCloseable {
    static final String SECRET = "client-sdk-test-turn-secret-0123456789";

    private static final int START_ATTEMPTS = 3;

    private final RelayApp app;

    private TurnRelay(RelayApp app) {
        this.app = app;
    }

    static TurnRelay start(Path dir) throws InterruptedException, IOException {
        Path tls = dir.resolve("tls");
        Tls.generateSelfSigned(tls, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        for (int attempt = 1; ; attempt++) {
            try {
                return start(dir, tls, freeTcpPort());
            } catch (RuntimeException e) { // Netty's sync() rethrows the bind's IOException undeclared
                if (attempt == START_ATTEMPTS || !TurnServer.addressInUse(e)) {
                    throw e;
                }
            }
        }
    }

    /** A TCP port free now on loopback, for the TLS listener (whose port 0 means off); taken again if lost. */
    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static TurnRelay start(Path dir, Path tls, int tlsPort) throws InterruptedException {
        RelayApp app = new RelayApp(RelayConfig.load(null, Map.ofEntries(
                Map.entry("DOORSTEP_TURN_LISTEN_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_PORT", "0"),
                Map.entry("DOORSTEP_TURN_TLS_PORT", String.valueOf(tlsPort)),
                Map.entry("DOORSTEP_TURN_TLS_CERT", tls.resolve("cert.pem").toString()),
                Map.entry("DOORSTEP_TURN_TLS_KEY", tls.resolve("key.pem").toString()),
                Map.entry("DOORSTEP_TURN_EXTERNAL_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_RELAY_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_IO_THREADS", "1"),
                Map.entry("DOORSTEP_TURN_UDP_SOCKETS", "1"),
                Map.entry("DOORSTEP_POLICY_ALLOW", "127.0.0.0/8"),
                Map.entry("DOORSTEP_METRICS_PORT", "0"),
                Map.entry("DOORSTEP_DOCUMENTS_ENABLED", "false"),
                Map.entry("DOORSTEP_AUTH_REST_SECRET", SECRET),
                Map.entry("DOORSTEP_DATA_DIR", dir.resolve("relay").toString()))));
        try {
            app.start();
        } catch (RuntimeException | InterruptedException e) {
            app.close();
            throw e;
        }
        return new TurnRelay(app);
    }

    /**
     * The ICE servers signalling would hand one party of {@code callId}, shaped as the shipped config makes them: a
     * STUN entry without credentials, and this relay over {@code transport} with REST credentials; for {@code tls},
     * the {@code turns:} entry alone, so TLS is the only way to the relay.
     */
    List<IceServer> iceServers(String callId, Role role, String transport) {
        int port = app.turnAddress().getPort();
        List<String> urls = transport.equals("tls")
                ? List.of("turns:127.0.0.1:" + app.tlsAddress().getPort() + "?transport=tcp")
                : List.of("stun:127.0.0.1:" + port, "turn:127.0.0.1:" + port + "?transport=" + transport);
        return new IceServerProvider(urls, SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(10),
                Clock.systemUTC()).forCall(callId, role);
    }

    /** A relay counter (0 before first use), e.g. doorstep.relay.allocations.opened. */
    double counter(String name, String... tags) {
        Counter c = app.registry().find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        app.close();
    }
}
