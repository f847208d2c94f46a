package io.doorstep.signalling.config;

import io.doorstep.config.Check;
import io.doorstep.config.ConfigLoader;
import io.doorstep.signalling.media.RelaySelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole signalling configuration, bound from {@code defaults/doorstep.yaml}, the operator's file and
 * {@code DOORSTEP_*} environment variables by {@link ConfigLoader}. Each record checks its own values.
 */
public record SignallingConfig(Server server, Path dataDir, Directory directory, Auth auth, Session session,
                               Routing routing, Media media, Limits limits, CallLog callLog, Shutdown shutdown,
                               Metrics metrics, Documents documents, Cluster cluster) {

    public record Server(String host, int port, String websocketPath, Tls tls, List<String> allowedOrigins,
                         int ioThreads) {
        public Server {
            Check.that(port >= 0 && port <= 65535, "server.port", "must be 0..65535");
            Check.that(websocketPath.startsWith("/"), "server.websocket-path", "must start with /");
            Check.that(ioThreads >= 0, "server.io-threads", "must not be negative");
            allowedOrigins = List.copyOf(allowedOrigins);
        }
    }

    public record Tls(String cert, String key) {
        public Tls {
            Check.that(cert.isEmpty() == key.isEmpty(), "server.tls", "cert and key must be set together");
        }

        public boolean enabled() {
            return !cert.isEmpty();
        }
    }

    public record Directory(String file, String catalogue) {
    }

    public record Auth(String issuer, String audience, String hs256Secret, String jwksFile, Duration maxClockSkew,
                       Duration helloTimeout, boolean demoTokens) {
        public Auth {
            Check.that(hs256Secret.isEmpty() || hs256Secret.length() >= 32, "auth.hs256-secret",
                    "must be at least 32 characters");
            Check.positive(helloTimeout, "auth.hello-timeout");
        }

        @Override
        public String toString() {
            return "Auth[issuer=" + issuer + ", audience=" + audience + ", hs256Secret=<hidden>, jwksFile=" + jwksFile
                    + "]";
        }
    }

    public record Session(Duration heartbeatInterval, Duration heartbeatTimeout, Duration resumeGrace,
                          int replayBuffer) {
        public Session {
            Check.positive(heartbeatInterval, "session.heartbeat-interval");
            Check.that(heartbeatTimeout.compareTo(heartbeatInterval) > 0, "session.heartbeat-timeout",
                    "must be longer than session.heartbeat-interval");
            Check.positive(resumeGrace, "session.resume-grace");
            Check.that(replayBuffer >= 16, "session.replay-buffer", "must be at least 16");
        }
    }

    public record Routing(Duration ringTimeout, Duration wrapUp, Duration serviceLevelTarget, String agentSelector) {
        public Routing {
            Check.positive(ringTimeout, "routing.ring-timeout");
            Check.that(!wrapUp.isNegative(), "routing.wrap-up", "must not be negative");
            Check.positive(serviceLevelTarget, "routing.service-level-target");
            Check.that(agentSelector.equals("longest-idle"), "routing.agent-selector", "must be longest-idle");
        }
    }

    public record Media(List<String> iceServers, String turnSecret, Duration turnCredentialTtl,
                        String stationIceTransportPolicy, String agentIceTransportPolicy, String relaySelection) {
        public Media {
            RelaySelection.parse(relaySelection);
            iceServers = List.copyOf(iceServers);
            for (String url : iceServers) {
                Check.that(url.matches("(stun|stuns|turn|turns):[^\\s]+"), "media.ice-servers",
                        "'" + url + "' is not a stun:, stuns:, turn: or turns: URL");
            }
            Check.positive(turnCredentialTtl, "media.turn-credential-ttl");
            Check.that(List.of("all", "relay").contains(stationIceTransportPolicy),
                    "media.station-ice-transport-policy", "must be all or relay");
            Check.that(List.of("all", "relay").contains(agentIceTransportPolicy),
                    "media.agent-ice-transport-policy", "must be all or relay");
        }

        @Override
        public String toString() {
            return "Media[iceServers=" + iceServers + ", turnSecret=<hidden>, ttl=" + turnCredentialTtl
                    + ", relaySelection=" + relaySelection + "]";
        }
    }

    public record Limits(int maxFrameBytes, int maxDevicePayloadBytes, int messagesPerSecond, int burst) {
        public Limits {
            Check.that(maxFrameBytes >= 1024 && maxFrameBytes <= 16 << 20, "limits.max-frame-bytes",
                    "must be 1024..16777216");
            Check.that(maxDevicePayloadBytes >= 256 && maxDevicePayloadBytes <= maxFrameBytes,
                    "limits.max-device-payload-bytes", "must be 256..limits.max-frame-bytes");
            Check.that(messagesPerSecond >= 1, "limits.messages-per-second", "must be at least 1");
            Check.that(burst >= 1, "limits.burst", "must be at least 1");
        }
    }

    public record CallLog(String file, boolean fsync) {
    }

    public record Shutdown(Duration drainTimeout, Duration reconnectAfter) {
        public Shutdown {
            Check.that(!drainTimeout.isNegative(), "shutdown.drain-timeout", "must not be negative");
            Check.that(!reconnectAfter.isNegative(), "shutdown.reconnect-after", "must not be negative");
        }
    }

    public record Metrics(boolean requireAuth) {
    }

    /**
     * The document relay as the parties reach it: its tus endpoint, the HS256 secret of document tokens (shared with
     * the relay; empty: {@code <data-dir>/document-secret}), how long a token lasts, and how often a document's
     * progress is passed on.
     */
    public record Documents(String url, String tokenSecret, Duration tokenTtl, Duration progressInterval,
                            String callEndsUrl) {
        public Documents {
            Check.that(url.matches("https?://[^\\s/]+/\\S*"), "documents.url", "must be an http:// or https:// URL");
            Check.that(callEndsUrl.isEmpty() || callEndsUrl.matches("https?://[^\\s/]+/\\S*"),
                    "documents.call-ends-url", "must be empty or an http:// or https:// URL");
            Check.that(tokenSecret.isEmpty() || tokenSecret.length() >= 32, "documents.token-secret",
                    "must be at least 32 characters");
            Check.positive(tokenTtl, "documents.token-ttl");
            Check.that(tokenTtl.compareTo(Duration.ofHours(24)) <= 0, "documents.token-ttl", "must be at most 24h");
            Check.that(!progressInterval.isNegative(), "documents.progress-interval", "must not be negative");
        }

        @Override
        public String toString() {
            return "Documents[url=" + url + ", tokenSecret=<hidden>, tokenTtl=" + tokenTtl + ", progressInterval="
                    + progressInterval + ", callEndsUrl=" + callEndsUrl + "]";
        }
    }

    /**
     * Where the call-path state lives (docs/cluster.md): {@code memory}, the single box's default, needs nothing
     * else; {@code redis} shares queues, agents, calls, sessions' whereabouts and the call log with every node on
     * the same Redis (a lettuce URI: {@code redis://}, {@code rediss://}, {@code redis-sentinel://}) under one key
     * prefix; {@code redisTopology: cluster} reaches a Redis Cluster through its seed nodes instead
     * ({@code redis://host1:6379,host2:6379}). A node that misses its heartbeats for {@code nodeTimeout} is taken
     * for dead and its state reclaimed.
     */
    public record Cluster(String state, String nodeId, String redisUri, String redisTopology, String keyPrefix,
                          Duration heartbeatInterval, Duration nodeTimeout, boolean archiveCallLog) {
        public static final String MEMORY = "memory", REDIS = "redis";
        public static final String STANDALONE = "standalone", REDIS_CLUSTER = "cluster";
        private static final List<String> URI_SCHEMES = List.of("redis", "rediss", "redis-sentinel",
                "rediss-sentinel");
        private static final List<String> CLUSTER_URI_SCHEMES = List.of("redis", "rediss");

        public Cluster {
            Check.that(state.equals(MEMORY) || state.equals(REDIS), "cluster.state", "must be memory or redis");
            Check.that(nodeId.matches("[A-Za-z0-9._-]{0,64}"), "cluster.node-id",
                    "must be at most 64 letters, digits, '.', '_' or '-'");
            Check.that(keyPrefix.matches("[A-Za-z0-9._:-]{1,64}"), "cluster.key-prefix",
                    "must be 1..64 letters, digits, '.', '_', ':' or '-'");
            Check.positive(heartbeatInterval, "cluster.heartbeat-interval");
            Check.that(nodeTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0, "cluster.node-timeout",
                    "must be at least twice cluster.heartbeat-interval");
            Check.that(redisTopology.equals(STANDALONE) || redisTopology.equals(REDIS_CLUSTER),
                    "cluster.redis-topology", "must be standalone or cluster");
            if (state.equals(REDIS) && redisTopology.equals(STANDALONE)) {
                checkRedisUri(redisUri);
            } else if (state.equals(REDIS)) {
                checkRedisClusterUri(redisUri);
            }
        }

        /** Seed nodes of a Redis Cluster: redis:// or rediss://, one or more host:port separated by commas. */
        private static void checkRedisClusterUri(String uri) {
            Check.that(CLUSTER_URI_SCHEMES.contains(scheme(uri)),
                    "cluster.redis-uri", "with cluster.redis-topology: cluster, must be a redis:// or rediss:// URI"
                            + " of one or more seed nodes (redis://host1:6379,host2:6379)");
            List<io.lettuce.core.RedisURI> seeds;
            try {
                seeds = io.lettuce.core.cluster.RedisClusterURIUtil.toRedisURIs(java.net.URI.create(uri));
            } catch (IllegalArgumentException e) {
                throw new io.doorstep.config.ConfigException("cluster.redis-uri: not a valid Redis Cluster URI: "
                        + e.getMessage(), e);
            }
            Check.that(!seeds.isEmpty() && seeds.stream().allMatch(seed -> validHost(seed.getHost())
                    && seed.getPort() > 0 && seed.getPort() <= 65_535), "cluster.redis-uri",
                    "not a valid Redis Cluster URI: a seed node's host or port is malformed");
        }

        private static void checkRedisUri(String uri) {
            Check.that(URI_SCHEMES.contains(scheme(uri)), "cluster.redis-uri",
                    "must be a redis://, rediss://, redis-sentinel:// or rediss-sentinel:// URI");
            io.lettuce.core.RedisURI parsed;
            try {
                parsed = io.lettuce.core.RedisURI.create(uri);
            } catch (IllegalArgumentException e) {
                throw new io.doorstep.config.ConfigException("cluster.redis-uri: not a valid Redis URI: "
                        + e.getMessage(), e);
            }
            String host = parsed.getHost();
            Check.that(!parsed.getSentinels().isEmpty() || validHost(host), "cluster.redis-uri",
                    "not a valid Redis URI: the host or port is malformed");
        }

        private static String scheme(String uri) {
            return uri.contains("://") ? uri.substring(0, uri.indexOf("://")) : "";
        }

        /** lettuce takes "host:notaport" for a host name; only an IPv6 address may hold a colon. */
        private static boolean validHost(String host) {
            return host != null && !host.isEmpty() && (!host.contains(":") || host.matches("\\[?[0-9A-Fa-f:.]+]?"));
        }

        public boolean redis() {
            return state.equals(REDIS);
        }

        /** Whether Redis is a Redis Cluster (reached through RedisClusterClient), not one server or a Sentinel set. */
        public boolean redisCluster() {
            return redisTopology.equals(REDIS_CLUSTER);
        }

        /** The configured node id, or this host's name when none is set. */
        public String nodeIdOrHostName() {
            if (!nodeId.isEmpty()) {
                return nodeId;
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            } catch (java.net.UnknownHostException e) {
                return "node";
            }
        }

        @Override
        public String toString() {
            return "Cluster[state=" + state + ", nodeId=" + nodeId + ", redisUri=<hidden>, redisTopology="
                    + redisTopology + ", keyPrefix=" + keyPrefix + "]";
        }
    }

    /** The reference defaults: every key, commented. */
    public static final String DEFAULTS = "classpath:defaults/doorstep.yaml";

    /** The defaults, overlaid by {@code file} (may be null), then by {@code DOORSTEP_*} variables in {@code env}. */
    public static SignallingConfig load(Path file, Map<String, String> env) {
        return ConfigLoader.load(SignallingConfig.class, DEFAULTS, file, env);
    }

    /** The call log file: the configured one, or {@code calls.jsonl} in the data directory. */
    public Path callLogFile() {
        return callLog.file().isEmpty() ? dataDir.resolve("calls.jsonl") : Path.of(callLog.file());
    }
}
