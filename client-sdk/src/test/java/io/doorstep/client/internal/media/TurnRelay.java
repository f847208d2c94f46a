package io.doorstep.client.internal.media;

import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.media.IceServerProvider;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Our TURN relay, started in this JVM on 127.0.0.1 as the one-machine set-up of docs/relay.md: a TURN REST secret,
 * loopback peers allowed (both parties' relayed addresses are the relay's own), no document relay. ICE servers come
 * from the signalling server's own {@link IceServerProvider}, so the credentials are the ones a real call gets.
 */
final class TurnRelay implements AutoCloseable {
    static final String SECRET = "client-sdk-test-turn-secret-0123456789";

    private final RelayApp app;

    private TurnRelay(RelayApp app) {
        this.app = app;
    }

    static TurnRelay start(Path dir) throws InterruptedException {
        RelayApp app = new RelayApp(RelayConfig.load(null, Map.ofEntries(
                Map.entry("DOORSTEP_TURN_LISTEN_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_PORT", "0"),
                Map.entry("DOORSTEP_TURN_TLS_PORT", "0"),
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
     * STUN entry without credentials, and this relay over {@code transport} with REST credentials.
     */
    List<IceServer> iceServers(String callId, Role role, String transport) {
        int port = app.turnAddress().getPort();
        List<String> urls = List.of("stun:127.0.0.1:" + port, "turn:127.0.0.1:" + port + "?transport=" + transport);
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
