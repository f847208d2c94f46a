package io.doorstep.relay.document;

import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.documents.EventSignature;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.testsupport.MutableClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A document relay on 127.0.0.1 (port chosen by the OS) over a test's directory, with its own event loops, a clock
 * the test moves, and an HTTP client. Restartable on the same directory.
 */
final class TestDocuments implements AutoCloseable {
    static final String SECRET = "document-test-secret-0123456789abcdef";
    static final long MAX_DOCUMENT = 1024 * 1024;
    static final long MAX_CALL = 3 * 1024 * 1024;
    static final Duration EXPIRY = Duration.ofMinutes(30);
    static final Duration RETENTION = Duration.ofHours(24);
    static final Duration CALL_END_WAIT = Duration.ofHours(12);

    final Path dir;
    final MutableClock clock;
    final DocumentTokens tokens;
    PrometheusMeterRegistry registry;
    final List<String> events = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The web page origin the test relay lets browsers in from. */
    static final String DESK_ORIGIN = "https://desk.example.gov.cn";
    private DocumentServer server;
    private final boolean operatorAudit;

    TestDocuments(Path dir, boolean operatorAudit) {
        this.dir = dir;
        this.operatorAudit = operatorAudit;
        this.clock = new MutableClock(Instant.now());
        this.tokens = new DocumentTokens(SECRET.getBytes(StandardCharsets.UTF_8), clock);
        start();
    }

    TestDocuments(Path dir) {
        this(dir, false);
    }

    static RelayConfig.Documents config(Path dir, boolean operatorAudit) {
        return new RelayConfig.Documents(true, "127.0.0.1", 0, dir.resolve("documents").toString(), SECRET,
                MAX_DOCUMENT, MAX_CALL, EXPIRY, RETENTION, CALL_END_WAIT, Duration.ofMillis(50), operatorAudit, 2, "",
                java.util.List.of(DESK_ORIGIN));
    }

    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = new DocumentServer(config(dir, operatorAudit), dir, registry, recorder(), clock);
        try {
            server.start(group, NioServerSocketChannel.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server as a crash would leave it for the next start: what is on disk stays. */
    void restart() {
        stop();
        start();
    }

    void stop() {
        server.close();
        registry.close();
    }

    private DocumentListener recorder() {
        return new DocumentListener() {
            @Override
            public void created(DocumentInfo d, DocumentParty by) {
                events.add("created " + d.documentId() + " by " + by.subject());
            }

            @Override
            public void completed(DocumentInfo d) {
                events.add("completed " + d.documentId() + " " + d.length() + " " + d.sha256());
            }

            @Override
            public void abandoned(DocumentInfo d, String reason) {
                events.add("abandoned " + d.documentId() + " " + reason);
            }

            @Override
            public void deleted(DocumentInfo d, String reason) {
                events.add("deleted " + d.documentId() + " " + reason);
            }
        };
    }

    int port() {
        return server.address().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    Path documents() {
        return dir.resolve("documents");
    }

    String station(String call) {
        return new Tokens(tokens).station(call);
    }

    String agent(String call) {
        return new Tokens(tokens).agent(call);
    }

    /** The tokens the signalling server would hand the station and the agent of a call. */
    record Tokens(DocumentTokens tokens) {
        String station(String call) {
            return tokens.issue("st-lianmin", call, DocumentRole.STATION,
                    Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ), Duration.ofMinutes(10));
        }

        String agent(String call) {
            return tokens.issue("ag-wang", call, DocumentRole.AGENT, Set.of(DocumentPermission.READ),
                    Duration.ofMinutes(10));
        }
    }

    HttpResponse<String> send(String method, String path, String token, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Tus-Resumable", "1.0.0");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The signalling server's word that {@code callId} ended now, signed as it signs it. */
    HttpResponse<String> callEnded(String callId) {
        byte[] body = ("{\"callId\":\"" + callId + "\",\"endedAt\":" + clock.instant().toEpochMilli() + "}")
                .getBytes(StandardCharsets.UTF_8);
        EventSignature signature = EventSignature.forCallEnds(SECRET.getBytes(StandardCharsets.UTF_8), clock);
        String ts = signature.timestamp();
        return send("POST", CallEndHandler.PATH, null, Map.of(EventSignature.TIMESTAMP_HEADER, ts,
                EventSignature.SIGNATURE_HEADER, signature.sign(ts, body)), body);
    }

    HttpResponse<java.io.InputStream> download(String path, String token) throws IOException, InterruptedException {
        return http.send(get(path, token), HttpResponse.BodyHandlers.ofInputStream());
    }

    CompletableFuture<HttpResponse<java.io.InputStream>> downloadAsync(String path, String token) {
        return http.sendAsync(get(path, token), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A GET of {@code range} (a Range header's value), whole when the answer arrives. */
    CompletableFuture<HttpResponse<byte[]>> downloadRange(String path, String token, String range) {
        return http.sendAsync(HttpRequest.newBuilder(get(path, token), (name, value) -> true)
                .header("Range", range).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    /** Creates an upload of {@code length} bytes and returns its path (/files/<id>). */
    String create(String token, long length) {
        HttpResponse<String> r = send("POST", "/files/", token, Map.of("Upload-Length", Long.toString(length),
                "Upload-Metadata", "filename " + b64("户口本.jpg") + ",page " + b64("1") + ",device "
                        + b64("document-camera")), null);
        if (r.statusCode() != 201) {
            throw new AssertionError("create: " + r.statusCode() + " " + r.body());
        }
        return r.headers().firstValue("Location").orElseThrow();
    }

    HttpResponse<String> patch(String path, String token, long offset, byte[] body) {
        return send("PATCH", path, token, Map.of("Upload-Offset", Long.toString(offset),
                "Content-Type", "application/offset+octet-stream"), body);
    }

    double counter(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    List<String> audit() throws IOException {
        Path f = documents().resolve(AuditTrail.FILE);
        return Files.exists(f) ? Files.readAllLines(f) : new ArrayList<>();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A scan: JPEG magic bytes, then pseudo-random bytes. */
    static byte[] jpeg(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        b[3] = (byte) 0xE0;
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Base64(byte[] b) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256(b)));
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        registry.close();
    }
}
