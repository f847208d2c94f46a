package io.doorstep.relay.config;

import io.doorstep.config.Check;
import io.doorstep.config.ConfigLoader;
import io.doorstep.relay.policy.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The relay's configuration, bound from {@code defaults/relay.yaml}, the operator's file and DOORSTEP_* variables. */
public record RelayConfig(Turn turn, Auth auth, Path dataDir, Quotas quotas, Policy policy, Metrics metrics,
                          Documents documents, Fleet fleet) {

    public static final String DEFAULTS = "classpath:defaults/relay.yaml";

    public static RelayConfig load(Path file, Map<String, String> env) {
        return ConfigLoader.load(RelayConfig.class, DEFAULTS, file, env);
    }

    public record Turn(String listenAddress, int port, int tlsPort, Tls tls, int udpSockets, String relayAddress,
                       String externalAddress, String relayAddressV6, String externalAddressV6, int relayPortMin,
                       int relayPortMax, String realm, String software, Duration nonceLifetime, Duration defaultLifetime, Duration maxLifetime, int ioThreads) {
        public Turn {
            Check.that(port >= 0 && port <= 65535, "turn.port", "must be 0..65535");
            Check.that(tlsPort >= 0 && tlsPort <= 65535, "turn.tls-port", "must be 0..65535");
            Check.that(udpSockets >= 0 && udpSockets <= 64, "turn.udp-sockets", "must be 0..64");
            Check.that(relayPortMin >= 1024 && relayPortMin <= relayPortMax && relayPortMax <= 65535,
                    "turn.relay-port-min/max", "must be a range within 1024..65535");
            Check.that(!realm.isBlank() && realm.length() < 128, "turn.realm", "must be 1..127 characters");
            Check.positive(nonceLifetime, "turn.nonce-lifetime");
            Check.positive(defaultLifetime, "turn.default-lifetime");
            Check.that(maxLifetime.compareTo(defaultLifetime) >= 0, "turn.max-lifetime",
                    "must not be shorter than turn.default-lifetime");
            Check.that(ioThreads >= 0, "turn.io-threads", "must not be negative");
            Check.that(!externalAddressV6.isEmpty() ? !relayAddressV6.isEmpty()
                            : relayAddressV6.isEmpty() || !isWildcard(relayAddressV6), "turn.external-address-v6",
                    "must be set when turn.relay-address-v6 is the wildcard, and only with it");
        }
    }

    private static boolean isWildcard(String address) {
        return address.replace("0", "").replace(":", "").isEmpty();
    }

    public record Tls(String cert, String key) {
        public Tls {
            Check.that(cert.isEmpty() == key.isEmpty(), "turn.tls", "cert and key must be set together");
        }

        public boolean enabled() {
            return !cert.isEmpty();
        }
    }

    public record Auth(String restSecret, Map<String, String> staticUsers) {
        public Auth {
            staticUsers = Map.copyOf(staticUsers);
        }

        @Override
        public String toString() {
            return "Auth[restSecret=<hidden>, staticUsers=" + staticUsers.keySet() + "]";
        }
    }

    public record Quotas(int allocationsPerUser, int allocationsTotal, long bytesPerSecond) {
        public Quotas {
            Check.that(allocationsPerUser >= 1, "quotas.allocations-per-user", "must be at least 1");
            Check.that(allocationsTotal >= 1, "quotas.allocations-total", "must be at least 1");
            Check.that(bytesPerSecond >= 0, "quotas.bytes-per-second", "must not be negative");
        }
    }

    public record Policy(List<String> allow, List<String> deny) {
        public Policy {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
            allow.forEach(c -> parse(c, "policy.allow"));
            deny.forEach(c -> parse(c, "policy.deny"));
        }

        public List<Cidr> allowed() {
            return allow.stream().map(Cidr::parse).toList();
        }

        public List<Cidr> denied() {
            return deny.stream().map(Cidr::parse).toList();
        }

        private static void parse(String cidr, String key) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                Check.that(false, key, e.getMessage());
            }
        }
    }

    public record Metrics(String address, int port, String token) {
        public Metrics {
            Check.that(port >= 0 && port <= 65535, "metrics.port", "must be 0..65535");
        }

        @Override
        public String toString() {
            return "Metrics[address=" + address + ", port=" + port + ", token=<hidden>]";
        }
    }

    /** The document relay (tus uploads, progressive downloads); see docs/documents.md. */
    public record Documents(boolean enabled, String listenAddress, int port, String directory, String tokenSecret,
                            long maxDocumentBytes, long maxCallBytes, Duration uploadExpiry, Duration retention,
                            Duration callEndWait, Duration sweepInterval, boolean operatorAudit, int ioThreads,
                            String eventsUrl, List<String> allowedOrigins) {
        public Documents {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedOrigins.forEach(o -> Check.that(o.matches("https?://[^\\s/]+"), "documents.allowed-origins",
                    "entries must be origins like https://desk.example.gov.cn (scheme, host, port; no path): " + o));
            Check.that(port >= 0 && port <= 65535, "documents.port", "must be 0..65535");
            Check.that(maxDocumentBytes >= 1, "documents.max-document-bytes", "must be at least 1");
            Check.that(maxCallBytes >= maxDocumentBytes, "documents.max-call-bytes",
                    "must not be smaller than documents.max-document-bytes");
            Check.positive(uploadExpiry, "documents.upload-expiry");
            Check.positive(retention, "documents.retention");
            Check.positive(callEndWait, "documents.call-end-wait");
            Check.positive(sweepInterval, "documents.sweep-interval");
            Check.that(ioThreads >= 1 && ioThreads <= 64, "documents.io-threads", "must be 1..64");
            Check.that(eventsUrl.isEmpty() || eventsUrl.matches("https?://[^\\s/]+/\\S*"), "documents.events-url",
                    "must be empty or an http:// or https:// URL");
        }

        /** Whether document events go to a signalling server. */
        public boolean sendsEvents() {
            return !eventsUrl.isEmpty();
        }

        /** Where documents are stored: {@code directory}, or {@code <data-dir>/documents} when it is empty. */
        public Path directory(Path dataDir) {
            return directory.isEmpty() ? dataDir.resolve("documents") : Path.of(directory);
        }

        @Override
        public String toString() {
            return "Documents[enabled=" + enabled + ", listenAddress=" + listenAddress + ", port=" + port
                    + ", directory=" + directory + ", tokenSecret=<hidden>, maxDocumentBytes=" + maxDocumentBytes
                    + ", maxCallBytes=" + maxCallBytes + ", uploadExpiry=" + uploadExpiry + ", retention="
                    + retention + ", sweepInterval=" + sweepInterval + ", operatorAudit=" + operatorAudit
                    + ", ioThreads=" + ioThreads + ", eventsUrl=" + eventsUrl + ", allowedOrigins=" + allowedOrigins
                    + "]";
        }
    }

    /** How the relay reports itself and its load to the signalling server (docs/operations.md, "The relay fleet"). */
    public record Fleet(String reportUrl, Duration reportInterval, String relayId, String region, List<String> turnUrls) {
        public Fleet {
            turnUrls = List.copyOf(turnUrls);
            Check.that(reportUrl.isEmpty() || reportUrl.matches("https?://[^\\s/]+/\\S*"), "fleet.report-url",
                    "must be empty or an http:// or https:// URL");
            Check.that(reportInterval.compareTo(Duration.ofSeconds(1)) >= 0
                    && reportInterval.compareTo(Duration.ofMinutes(5)) <= 0, "fleet.report-interval", "must be 1s..5m");
            Check.that(relayId.matches("[A-Za-z0-9._:-]{0,64}"), "fleet.relay-id",
                    "at most 64 letters, digits and . _ : -");
            Check.that(region.length() <= 64, "fleet.region", "at most 64 characters");
            Check.that(turnUrls.size() <= 8, "fleet.turn-urls", "at most 8 URLs");
            turnUrls.forEach(u -> Check.that(u.matches("turns?:[^\\s]{1,250}"), "fleet.turn-urls",
                    "'" + u + "' is not a turn: or turns: URL"));
        }

        /** Whether load reports go to a signalling server. */
        public boolean reports() {
            return !reportUrl.isEmpty();
        }
    }
}
