package io.doorstep.signalling;

import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.relays.RelayLoad;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment of a real relay on 127.0.0.1 for the signalling tests: TURN on free ports, documents on. */
public final class RelayEnvironment {
    private RelayEnvironment() {
    }

    /** A mutable map: callers add what their test needs (metrics port, events URL). */
    public static Map<String, String> of(String dataDir, int documentsPort, String documentSecret) {
        Map<String, String> env = new HashMap<>();
        env.put("DOORSTEP_DATA_DIR", dataDir);
        env.put("DOORSTEP_TURN_LISTEN_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_TURN_PORT", "0");
        env.put("DOORSTEP_TURN_TLS_PORT", "0");
        env.put("DOORSTEP_TURN_EXTERNAL_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_TURN_RELAY_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_TURN_IO_THREADS", "1");
        env.put("DOORSTEP_TURN_UDP_SOCKETS", "1");
        env.put("DOORSTEP_METRICS_PORT", "0");
        env.put("DOORSTEP_AUTH_REST_SECRET", "relay-test-rest-secret-0123456789abcdef");
        env.put("DOORSTEP_DOCUMENTS_LISTEN_ADDRESS", "127.0.0.1");
        env.put("DOORSTEP_DOCUMENTS_PORT", String.valueOf(documentsPort));
        env.put("DOORSTEP_DOCUMENTS_TOKEN_SECRET", documentSecret);
        return env;
    }

    /** A real relay, started, reporting its load to {@code server} every second as {@code relayId}. */
    public static RelayApp reportingRelay(TestServer server, Path dataDir, String documentSecret, String relayId,
                                          String region) throws InterruptedException {
        Map<String, String> env = of(dataDir.toString(), 0, documentSecret);
        env.put("DOORSTEP_FLEET_REPORT_URL", server.httpUri(RelayLoad.PATH).toString());
        env.put("DOORSTEP_FLEET_REPORT_INTERVAL", "1s");
        env.put("DOORSTEP_FLEET_RELAY_ID", relayId);
        env.put("DOORSTEP_FLEET_REGION", region);
        RelayApp relay = new RelayApp(RelayConfig.load(null, env));
        try {
            relay.start();
            return relay;
        } catch (RuntimeException | InterruptedException e) {
            relay.close();
            throw e;
        }
    }
}
