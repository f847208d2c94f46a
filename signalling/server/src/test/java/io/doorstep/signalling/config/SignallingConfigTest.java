package io.doorstep.signalling.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.config.ConfigException;
import io.doorstep.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignallingConfigTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("doorstep.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsLoad() {
        SignallingConfig c = SignallingConfig.load(null, Map.of());
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().websocketPath()).isEqualTo("/ws");
        assertThat(c.server().tls().enabled()).isFalse();
        assertThat(c.server().allowedOrigins()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.auth().helloTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.auth().maxClockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.session().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.session().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.session().replayBuffer()).isEqualTo(1024);
        assertThat(c.routing().ringTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.routing().agentSelector()).isEqualTo("longest-idle");
        assertThat(c.media().iceServers()).hasSize(3).allMatch(u -> u.startsWith("stun:") || u.startsWith("turn:"));
        assertThat(c.media().turnCredentialTtl()).isEqualTo(Duration.ofHours(4));
        assertThat(c.limits().maxFrameBytes()).isEqualTo(65536);
        assertThat(c.limits().maxDevicePayloadBytes()).isEqualTo(16384);
        assertThat(c.limits().messagesPerSecond()).isEqualTo(50);
        assertThat(c.limits().burst()).isEqualTo(200);
        assertThat(c.shutdown().drainTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.metrics().requireAuth()).isTrue();
        assertThat(c.callLogFile()).isEqualTo(Path.of("./data").resolve("calls.jsonl"));
        assertThat(c.documents().url()).isEqualTo("http://127.0.0.1:8642/files/");
        assertThat(c.documents().tokenSecret()).isEmpty();
        assertThat(c.documents().tokenTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.documents().progressInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aFileOverridesOnlyTheKeysItNames() throws IOException {
        SignallingConfig c = SignallingConfig.load(file("""
                server:
                  port: 9443
                  allowed-origins: [https://a.example, https://b.example]
                routing:
                  ring-timeout: 500ms
                limits:
                  burst: 7
                call-log:
                  file: /var/log/doorstep/calls.jsonl
                """), Map.of());
        assertThat(c.server().port()).isEqualTo(9443);
        assertThat(c.server().websocketPath()).as("untouched").isEqualTo("/ws");
        assertThat(c.server().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(c.routing().ringTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.routing().wrapUp()).as("untouched").isEqualTo(Duration.ofSeconds(30));
        assertThat(c.limits().burst()).isEqualTo(7);
        assertThat(c.limits().messagesPerSecond()).isEqualTo(50);
        assertThat(c.callLogFile()).isEqualTo(Path.of("/var/log/doorstep/calls.jsonl"));
    }

    @Test
    void environmentOverridesTheFileIncludingListsAndDurations() throws IOException {
        Path f = file("""
                server:
                  port: 9443
                routing:
                  ring-timeout: 5s
                """);
        SignallingConfig c = SignallingConfig.load(f, Map.of(
                "DOORSTEP_SERVER_PORT", "7000",
                "DOORSTEP_ROUTING_RING_TIMEOUT", "2m",
                "DOORSTEP_ROUTING_WRAP_UP", "0s",
                "DOORSTEP_SESSION_RESUME_GRACE", "1h",
                "DOORSTEP_MEDIA_ICE_SERVERS", "turn:relay.example:3478, turns:relay.example:5349,,",
                "DOORSTEP_SERVER_ALLOWED_ORIGINS", "https://doorstep.example",
                "DOORSTEP_METRICS_REQUIRE_AUTH", "false",
                "DOORSTEP_DATA_DIR", "/tmp/doorstep-data",
                "PATH", "/usr/bin", // not ours: ignored
                "HOME", "/root"));
        assertThat(c.server().port()).isEqualTo(7000);
        assertThat(c.routing().ringTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.routing().wrapUp()).isZero();
        assertThat(c.session().resumeGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(c.media().iceServers()).containsExactly("turn:relay.example:3478", "turns:relay.example:5349");
        assertThat(c.server().allowedOrigins()).containsExactly("https://doorstep.example");
        assertThat(c.metrics().requireAuth()).isFalse();
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/doorstep-data"));
    }

    @Test
    void anEmptyListFromTheEnvironmentClearsTheDefault() {
        SignallingConfig c = SignallingConfig.load(null, Map.of("DOORSTEP_MEDIA_ICE_SERVERS", ""));
        assertThat(c.media().iceServers()).isEmpty();
    }

    @Test
    void anUnknownKeyInTheFileIsNamed() throws IOException {
        assertThatThrownBy(() -> SignallingConfig.load(file("routing:\n  ring-timout: 5s\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routing.ring-timout")
                .hasMessageContaining("unknown");
        assertThatThrownBy(() -> SignallingConfig.load(file("nonsense: 1\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nonsense");
        assertThatThrownBy(() -> SignallingConfig.load(file("server:\n  tls:\n    certificate: x\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.tls.certificate");
    }

    @Test
    void anUnknownEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_ROUTING_RING_TIMOUT", "5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DOORSTEP_ROUTING_RING_TIMOUT");
        // A section is not a leaf.
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_ROUTING", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DOORSTEP_ROUTING");
    }

    @Test
    void theLogLevelVariableIsNotMistakenForAConfigurationKey() {
        // docs/operations.md: "Set the level with DOORSTEP_LOG_LEVEL" (read by logback.xml, not by us).
        SignallingConfig c = SignallingConfig.load(null, Map.of("DOORSTEP_LOG_LEVEL", "DEBUG",
                "DOORSTEP_TEST_LOG_LEVEL", "INFO", "DOORSTEP_SERVER_PORT", "9000"));
        assertThat(c.server().port()).isEqualTo(9000);
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_LOG_LEVELS", "DEBUG")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DOORSTEP_LOG_LEVELS");
    }

    @Test
    void anInvalidDurationIsNamed() throws IOException {
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_ROUTING_RING_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("routing.ring-timeout:")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> SignallingConfig.load(file("session:\n  resume-grace: 1.5s\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("session.resume-grace:");
        assertThatThrownBy(() -> SignallingConfig.load(file("auth:\n  hello-timeout: 10\n"), Map.of()))
                .as("a number without a unit").isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.hello-timeout:");
    }

    @Test
    void anInvalidNumberIsNamed() {
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_SERVER_PORT", "eighty")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("server.port:");
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_SERVER_PORT", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.port");
    }

    @Test
    void anUnknownRelaySelectionIsNamed() {
        assertThat(SignallingConfig.load(null, Map.of()).media().relaySelection()).isEqualTo("static");
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_MEDIA_RELAY_SELECTION", "nearest")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("media.relay-selection: must be static, least-loaded or same-region, not 'nearest'");
    }

    @Test
    void heartbeatTimeoutMustBeLongerThanTheInterval() {
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of(
                "DOORSTEP_SESSION_HEARTBEAT_INTERVAL", "30s", "DOORSTEP_SESSION_HEARTBEAT_TIMEOUT", "30s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("session.heartbeat-timeout")
                .hasMessageContaining("heartbeat-interval");
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_SESSION_HEARTBEAT_TIMEOUT", "5s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("session.heartbeat-timeout");
        SignallingConfig ok = SignallingConfig.load(null, Map.of(
                "DOORSTEP_SESSION_HEARTBEAT_INTERVAL", "1s", "DOORSTEP_SESSION_HEARTBEAT_TIMEOUT", "1001ms"));
        assertThat(ok.session().heartbeatTimeout()).isEqualTo(Duration.ofMillis(1001));
    }

    @Test
    void otherValueChecksNameTheirKey() {
        Map<String, String> cases = Map.of(
                "DOORSTEP_AUTH_HS256_SECRET", "too-short",
                "DOORSTEP_LIMITS_MAX_FRAME_BYTES", "100",
                "DOORSTEP_MEDIA_STATION_ICE_TRANSPORT_POLICY", "none",
                "DOORSTEP_ROUTING_AGENT_SELECTOR", "random",
                "DOORSTEP_AUTH_HELLO_TIMEOUT", "0s",
                "DOORSTEP_SERVER_WEBSOCKET_PATH", "ws",
                "DOORSTEP_DOCUMENTS_URL", "ftp://relay/files/",
                "DOORSTEP_DOCUMENTS_TOKEN_SECRET", "short",
                "DOORSTEP_DOCUMENTS_TOKEN_TTL", "2d");
        cases.forEach((env, value) -> {
            String key = env.substring("DOORSTEP_".length()).toLowerCase();
            assertThatThrownBy(() -> SignallingConfig.load(null, Map.of(env, value))).as(env)
                    .isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(ConfigLoader.envName(e.getMessage().split(":")[0]))
                            .isEqualTo(key.toUpperCase()));
        });
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_MEDIA_ICE_SERVERS", "http://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("media.ice-servers");
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_SERVER_TLS_CERT", "/c.pem")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.tls");
    }

    @Test
    void clusterStateIsInMemoryByDefaultAndRedisByChoice() {
        SignallingConfig.Cluster memory = SignallingConfig.load(null, Map.of()).cluster();
        assertThat(memory.redis()).isFalse();
        assertThat(memory.keyPrefix()).isEqualTo("doorstep");
        assertThat(memory.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(memory.nodeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(memory.nodeIdOrHostName()).as("the host name stands in").isNotEmpty().matches("[A-Za-z0-9._-]+");

        for (String uri : List.of("redis://127.0.0.1:6379/0", "rediss://:pw@redis.example:6380", "redis://[::1]:6379",
                "redis-sentinel://s1:26379,s2:26379/0#doorstep")) {
            SignallingConfig.Cluster redis = SignallingConfig.load(null, Map.of("DOORSTEP_CLUSTER_STATE", "redis",
                    "DOORSTEP_CLUSTER_REDIS_URI", uri, "DOORSTEP_CLUSTER_NODE_ID", "sig-2")).cluster();
            assertThat(redis.redis()).isTrue();
            assertThat(redis.redisUri()).isEqualTo(uri);
            assertThat(redis.nodeIdOrHostName()).isEqualTo("sig-2");
            assertThat(redis.toString()).as("a URI may hold a password").doesNotContain(uri);
        }
    }

    @Test
    void aRedisClusterIsNamedByItsSeedNodes() {
        SignallingConfig.Cluster standalone = SignallingConfig.load(null, Map.of()).cluster();
        assertThat(standalone.redisTopology()).isEqualTo("standalone");
        assertThat(standalone.redisCluster()).isFalse();
        for (String uri : List.of("redis://10.0.0.1:7000", "redis://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3",
                "rediss://:pw@redis-1.example:6380,redis-2.example:6380")) {
            SignallingConfig.Cluster cluster = SignallingConfig.load(null, Map.of("DOORSTEP_CLUSTER_STATE", "redis",
                    "DOORSTEP_CLUSTER_REDIS_TOPOLOGY", "cluster", "DOORSTEP_CLUSTER_REDIS_URI", uri)).cluster();
            assertThat(cluster.redisCluster()).as(uri).isTrue();
            assertThat(cluster.toString()).contains("redisTopology=cluster").doesNotContain(uri);
        }
    }

    @Test
    void aBadRedisClusterAddressIsRefusedClearly() {
        Map<String, String> cases = Map.of(
                "redis-sentinel://s1:26379/0#doorstep", "cluster.redis-uri: with cluster.redis-topology: cluster,"
                        + " must be a redis:// or rediss:// URI",
                "10.0.0.1:7000", "cluster.redis-uri: with cluster.redis-topology: cluster",
                "redis://10.0.0.1:7000,h:notaport", "cluster.redis-uri: not a valid Redis Cluster URI",
                "redis://10.0.0.1:99999", "cluster.redis-uri: not a valid Redis Cluster URI",
                "redis://a b:7000", "cluster.redis-uri: not a valid Redis Cluster URI");
        cases.forEach((uri, error) -> assertThatThrownBy(() -> SignallingConfig.load(null, Map.of(
                "DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_TOPOLOGY", "cluster",
                "DOORSTEP_CLUSTER_REDIS_URI", uri))).as(uri).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(error));
        assertThatThrownBy(() -> SignallingConfig.load(null, Map.of("DOORSTEP_CLUSTER_REDIS_TOPOLOGY", "sharded")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cluster.redis-topology: must be standalone or cluster");
    }

    @Test
    void invalidClusterValuesAreNamed() {
        String redis = "DOORSTEP_CLUSTER_STATE", uri = "DOORSTEP_CLUSTER_REDIS_URI";
        List<Map.Entry<Map<String, String>, String>> cases = List.of(
                Map.entry(Map.of(redis, "etcd"), "cluster.state: must be memory or redis"),
                Map.entry(Map.of(redis, "redis", uri, "http://127.0.0.1:6379"), "cluster.redis-uri: must be a redis:"),
                Map.entry(Map.of(redis, "redis", uri, "127.0.0.1:6379"), "cluster.redis-uri: must be a redis:"),
                Map.entry(Map.of(redis, "redis", uri, "redis://h:notaport"), "cluster.redis-uri: not a valid Redis"),
                Map.entry(Map.of(redis, "redis", uri, "redis://127.0.0.1:99999"),
                        "cluster.redis-uri: not a valid Redis URI"),
                Map.entry(Map.of(redis, "redis", uri, "redis-sentinel://s1:26379"),
                        "cluster.redis-uri: not a valid Redis URI: URI must contain the sentinelMasterId"),
                Map.entry(Map.of("DOORSTEP_CLUSTER_NODE_ID", "node one"), "cluster.node-id"),
                Map.entry(Map.of("DOORSTEP_CLUSTER_KEY_PREFIX", "{doorstep}"), "cluster.key-prefix"),
                Map.entry(Map.of("DOORSTEP_CLUSTER_KEY_PREFIX", ""), "cluster.key-prefix"),
                Map.entry(Map.of("DOORSTEP_CLUSTER_NODE_TIMEOUT", "1s"), "cluster.node-timeout: must be at least"),
                Map.entry(Map.of("DOORSTEP_CLUSTER_HEARTBEAT_INTERVAL", "0s"), "cluster.heartbeat-interval"));
        cases.forEach(c -> assertThatThrownBy(() -> SignallingConfig.load(null, c.getKey())).as(c.getKey().toString())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(c.getValue()));
        assertThat(SignallingConfig.load(null, Map.of("DOORSTEP_CLUSTER_REDIS_URI", "http://x")).cluster().redis())
                .as("the URI is only checked when Redis is used").isFalse();
    }

    @Test
    void aMissingFileOrANonMappingIsRefused() throws IOException {
        assertThatThrownBy(() -> SignallingConfig.load(dir.resolve("nope.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml");
        assertThatThrownBy(() -> SignallingConfig.load(file("- a\n- b\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mapping");
        SignallingConfig empty = SignallingConfig.load(file(""), Map.of());
        assertThat(empty.server().port()).as("an empty file changes nothing").isEqualTo(8080);
    }

    @Test
    void parsesDurations() {
        assertThat(ConfigLoader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigLoader.parseDuration(" 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigLoader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigLoader.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        for (String bad : List.of("", "5", "1.5s", "-1s", "5 s", "5sec", "ms")) {
            assertThatThrownBy(() -> ConfigLoader.parseDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void secretsAreNotPrinted() {
        SignallingConfig c = SignallingConfig.load(null, Map.of(
                "DOORSTEP_AUTH_HS256_SECRET", "super-secret-value-0123456789-abcdef",
                "DOORSTEP_MEDIA_TURN_SECRET", "turn-secret-value-0123456789-abcdef",
                "DOORSTEP_DOCUMENTS_TOKEN_SECRET", "document-secret-value-0123456789-abcdef"));
        assertThat(c.toString()).doesNotContain("super-secret-value").doesNotContain("turn-secret-value")
                .doesNotContain("document-secret-value");
    }
}
