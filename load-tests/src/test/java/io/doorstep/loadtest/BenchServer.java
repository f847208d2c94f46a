package io.doorstep.loadtest;

import io.doorstep.signalling.SignallingApp;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.directory.DirectoryLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A signalling server in this JVM, on 127.0.0.1 and a free port, with a generated directory: what smoke tests load. */
final class BenchServer implements AutoCloseable {
    static final String CATALOGUE = "classpath:defaults/catalogue.yaml";
    static final String SECRET = "smoke-test-secret-that-is-long-enough-for-hs256";

    private final SignallingApp app;
    private final Path directory;
    private final Path dataDir;
    private final URI url;

    /** {@code env} overrides the bench's defaults (wrap-up 0 s, metrics without auth). */
    BenchServer(Path dir, int stations, int agents, Map<String, String> env) throws Exception {
        this.directory = dir.resolve("directory.yaml");
        this.dataDir = dir.resolve("data");
        BenchDirectory.write(directory, stations, agents, 3, DirectoryLoader.catalogue(CATALOGUE));
        Map<String, String> all = new HashMap<>(Map.of(
                "DOORSTEP_SERVER_HOST", "127.0.0.1",
                "DOORSTEP_SERVER_PORT", "0",
                "DOORSTEP_DATA_DIR", dataDir.toString(),
                "DOORSTEP_DIRECTORY_FILE", directory.toString(),
                "DOORSTEP_AUTH_HS256_SECRET", SECRET,
                "DOORSTEP_AUTH_DEMO_TOKENS", "false",
                "DOORSTEP_ROUTING_WRAP_UP", "0s",
                "DOORSTEP_METRICS_REQUIRE_AUTH", "false",
                "DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT", "1s"));
        all.putAll(env);
        this.app = new SignallingApp(SignallingConfig.load(null, all));
        this.url = URI.create("ws://127.0.0.1:" + app.start().getPort() + "/ws");
    }

    URI url() {
        return url;
    }

    Path directory() {
        return directory;
    }

    /** The call log, where the server writes it by default. */
    Path callLog() {
        return dataDir.resolve("calls.jsonl");
    }

    Credentials credentials() {
        return new Credentials(directory.toString(), CATALOGUE, SECRET);
    }

    /** The options every command needs to reach this server. */
    List<String> targetArgs() {
        return List.of("--url", url.toString(), "--directory", directory.toString(), "--secret", SECRET,
                "--sign-in-timeout", "20s");
    }

    @Override
    public void close() {
        app.close();
    }
}
