package io.doorstep.loadtest.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The server's {@code /metrics}, on the same port as its WebSocket. */
final class MetricsEndpoint {
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 5_000;

    private MetricsEndpoint() {
    }

    static URI of(URI server) {
        String scheme = "wss".equals(server.getScheme()) ? "https" : "http";
        return URI.create(scheme + "://" + server.getRawAuthority() + "/metrics");
    }

    /**
     * The scrape, or empty when it cannot be read (the reports say so). The connection is closed at once: one left
     * open would sit idle in the server until its heartbeat timeout closes it, in the middle of the measurement, and
     * that unusual path would set the server's JIT recompiling.
     */
    static Optional<String> scrape(URI metrics) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) metrics.toURL().openConnection();
            c.setConnectTimeout(CONNECT_TIMEOUT_MS);
            c.setReadTimeout(READ_TIMEOUT_MS);
            c.setRequestProperty("Connection", "close");
            if (c.getResponseCode() != 200) {
                return Optional.empty();
            }
            try (InputStream in = c.getInputStream()) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }
}
