package io.doorstep.loadtest;

import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * Our relay in this JVM, TURN and document relay on 127.0.0.1 and free ports, loopback peers allowed (the generator's
 * echo peer is on this machine), one I/O thread: what the relay and document smoke tests load.
 */
public final class BenchRelay implements AutoCloseable {
    /** The TURN REST secret and the document token secret. */
    public static final String SECRET = "bench-relay-smoke-secret-0123456789";

    private final RelayApp app;

    public BenchRelay(Path dir) throws Exception {
        app = new RelayApp(RelayConfig.load(null, Map.ofEntries(
                Map.entry("DOORSTEP_TURN_LISTEN_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_PORT", "0"),
                Map.entry("DOORSTEP_TURN_TLS_PORT", "0"),
                Map.entry("DOORSTEP_TURN_EXTERNAL_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_RELAY_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_TURN_IO_THREADS", "1"),
                Map.entry("DOORSTEP_POLICY_ALLOW", "127.0.0.0/8"),
                Map.entry("DOORSTEP_METRICS_PORT", "0"),
                Map.entry("DOORSTEP_AUTH_REST_SECRET", SECRET),
                Map.entry("DOORSTEP_DOCUMENTS_LISTEN_ADDRESS", "127.0.0.1"),
                Map.entry("DOORSTEP_DOCUMENTS_PORT", "0"),
                Map.entry("DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET),
                Map.entry("DOORSTEP_DATA_DIR", dir.resolve("relay-data").toString()))));
        try {
            app.start();
        } catch (RuntimeException | InterruptedException e) {
            app.close(); // whatever it bound before failing
            throw e;
        }
    }

    public InetSocketAddress turn() {
        return new InetSocketAddress("127.0.0.1", app.turnAddress().getPort());
    }

    /** host:port of the document relay, as the benchmarks take it. */
    public String documents() {
        return "127.0.0.1:" + app.documentsAddress().getPort();
    }

    @Override
    public void close() {
        app.close();
    }
}
