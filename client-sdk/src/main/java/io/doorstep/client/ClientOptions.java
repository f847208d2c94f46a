package io.doorstep.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a client needs to reach Doorstep, immutable. Build with {@link #builder(URI, Supplier)}; derive a
 * variant with {@link #mutate()}.
 *
 * @param server          the signalling WebSocket, e.g. {@code wss://doorstep.example/ws}
 * @param token           the sign-in token (a JWT), asked for at every connection, so a terminal can renew it
 * @param reconnect       the backoff between reconnection attempts ({@link Backoff#DEFAULT})
 * @param relayOnly       use relayed (TURN) candidates only, whatever the server says; the server already tells
 *                        stations to ({@link #DEFAULT_RELAY_ONLY}: false)
 * @param connectTimeout  to open the WebSocket ({@link #DEFAULT_CONNECT_TIMEOUT})
 * @param requestTimeout  for the server's answer to a request ({@link #DEFAULT_REQUEST_TIMEOUT})
 * @param pongTimeout     a ping not answered within this means the connection is dead ({@link #DEFAULT_PONG_TIMEOUT})
 * @param statsInterval   how often call-quality stats are taken and reported ({@link #DEFAULT_STATS_INTERVAL})
 * @param uploadChunkBytes the size of each document PATCH ({@link #DEFAULT_UPLOAD_CHUNK_BYTES})
 * @param insecureTurnTls accept any certificate from a {@code turns:} relay, for a development relay with a
 *                        self-signed certificate only ({@link #DEFAULT_INSECURE_TURN_TLS}: false, certificates are
 *                        checked). WebRTC checks them against its own built-in CA roots, not the system's or Java's
 * @param generatedAudio  send a generated tone and play nothing, even where a microphone and speaker exist (kiosks
 *                        whose sound is handled elsewhere, tests). {@link #DEFAULT_GENERATED_AUDIO}: false, the
 *                        machine's default microphone and speaker are used when it has both, the tone otherwise
 */
public record ClientOptions(URI server, Supplier<String> token, Backoff reconnect, boolean relayOnly,
                            Duration connectTimeout, Duration requestTimeout, Duration pongTimeout,
                            Duration statsInterval, int uploadChunkBytes, boolean insecureTurnTls,
                            boolean generatedAudio) {
    public static final boolean DEFAULT_RELAY_ONLY = false;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(5);
    /** 256 KiB: small enough that a village uplink dropping mid-chunk loses little, large enough to be cheap. */
    public static final int DEFAULT_UPLOAD_CHUNK_BYTES = 256 * 1024;
    public static final boolean DEFAULT_INSECURE_TURN_TLS = false;
    public static final boolean DEFAULT_GENERATED_AUDIO = false;

    public ClientOptions {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(reconnect, "reconnect");
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        positive(pongTimeout, "pongTimeout");
        positive(statsInterval, "statsInterval");
        if (uploadChunkBytes < 1024) {
            throw new IllegalArgumentException("uploadChunkBytes must be at least 1024");
        }
    }

    public static Builder builder(URI server, Supplier<String> token) {
        return new Builder(server, token);
    }

    /** For a fixed token. */
    public static Builder builder(URI server, String token) {
        Objects.requireNonNull(token, "token");
        return new Builder(server, () -> token);
    }

    /** A builder holding these options. */
    public Builder mutate() {
        return new Builder(server, token).reconnect(reconnect).relayOnly(relayOnly).connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout).pongTimeout(pongTimeout).statsInterval(statsInterval)
                .uploadChunkBytes(uploadChunkBytes).insecureTurnTls(insecureTurnTls)
                .generatedAudio(generatedAudio);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    public static final class Builder {
        private URI server;
        private Supplier<String> token;
        private Backoff reconnect = Backoff.DEFAULT;
        private boolean relayOnly = DEFAULT_RELAY_ONLY;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
        private Duration statsInterval = DEFAULT_STATS_INTERVAL;
        private int uploadChunkBytes = DEFAULT_UPLOAD_CHUNK_BYTES;
        private boolean insecureTurnTls = DEFAULT_INSECURE_TURN_TLS;
        private boolean generatedAudio = DEFAULT_GENERATED_AUDIO;

        private Builder(URI server, Supplier<String> token) {
            this.server = server;
            this.token = token;
        }

        public Builder server(URI value) {
            server = value;
            return this;
        }

        public Builder token(Supplier<String> value) {
            token = value;
            return this;
        }

        public Builder reconnect(Backoff value) {
            reconnect = value;
            return this;
        }

        public Builder relayOnly(boolean value) {
            relayOnly = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder pongTimeout(Duration value) {
            pongTimeout = value;
            return this;
        }

        public Builder statsInterval(Duration value) {
            statsInterval = value;
            return this;
        }

        public Builder uploadChunkBytes(int value) {
            uploadChunkBytes = value;
            return this;
        }

        /** Development only: trust a {@code turns:} relay's self-signed certificate (in fact, any certificate). */
        public Builder insecureTurnTls(boolean value) {
            insecureTurnTls = value;
            return this;
        }

        /** The generated tone instead of the machine's microphone and speaker. */
        public Builder generatedAudio(boolean value) {
            generatedAudio = value;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(server, token, reconnect, relayOnly, connectTimeout, requestTimeout,
                    pongTimeout, statsInterval, uploadChunkBytes, insecureTurnTls, generatedAudio);
        }
    }
}
