package io.doorstep.client.internal.documents;

import io.doorstep.client.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tus 1.0.0 client for the document relay over the JDK's HttpClient: create, then PATCH chunk by chunk, each with
 * its SHA-256 ({@code Upload-Checksum}) so a chunk damaged on the way is refused and sent again. When the network
 * drops mid-chunk it asks the relay where the upload stands ({@code HEAD}) and goes on from there, with backoff;
 * after a 401 it gets a fresh document token. At the end the relay's SHA-256 of the whole document must equal ours.
 * Blocking: run it off the event thread.
 */
public final class TusUploader {
    private static final Logger log = LoggerFactory.getLogger(TusUploader.class);
    private static final int MAX_ATTEMPTS_WITHOUT_PROGRESS = 8;

    private final HttpClient http;
    private final int chunkBytes;
    private final Duration timeout;
    private final Backoff backoff;

    /** What the uploader learns: the document's id and the hash both sides agree on. */
    public record Result(String documentId, String sha256) {
    }

    public TusUploader(HttpClient http, int chunkBytes, Duration timeout, Backoff backoff) {
        this.http = http;
        this.chunkBytes = chunkBytes;
        this.timeout = timeout;
        this.backoff = backoff;
    }

    /**
     * Uploads {@code bytes} with the relay's metadata keys ({@code filename}, {@code filetype}, {@code page},
     * {@code device}); {@code progress} hears the offset the relay has confirmed.
     */
    public Result upload(RelayAccess relay, byte[] bytes, Map<String, String> metadata, LongConsumer progress)
            throws IOException, InterruptedException {
        String sha256 = Hashes.sha256Hex(bytes);
        URI document = create(relay, bytes.length, metadata);
        String id = document.getPath().substring(document.getPath().lastIndexOf('/') + 1);
        long offset = 0;
        int failures = 0;
        String relaySha = null;
        while (offset < bytes.length) {
            int end = (int) Math.min(bytes.length, offset + chunkBytes);
            try {
                HttpResponse<String> r = patch(relay, document, bytes, (int) offset, end);
                if (r.statusCode() == 204) {
                    offset = header(r, "Upload-Offset");
                    relaySha = r.headers().firstValue("Doorstep-Document-Sha256").orElse(relaySha);
                    failures = 0;
                    progress.accept(offset);
                    continue;
                }
                failures = refused(relay, r, id, failures);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                failures = check(failures, id, "PATCH failed: " + e);
            }
            offset = where(relay, document, id, offset);
        }
        if (relaySha != null && !relaySha.equalsIgnoreCase(sha256)) {
            throw new IOException("document " + id + ": the relay's SHA-256 differs from ours");
        }
        return new Result(id, sha256);
    }

    private URI create(RelayAccess relay, long length, Map<String, String> metadata)
            throws IOException, InterruptedException {
        for (int failures = 0; ; ) {
            try {
                HttpResponse<String> r = send(relay, URI.create(relay.url()), b -> b
                        .header("Upload-Length", Long.toString(length))
                        .header("Upload-Metadata", encode(metadata))
                        .POST(HttpRequest.BodyPublishers.noBody()));
                if (r.statusCode() == 201) {
                    return URI.create(relay.url()).resolve(r.headers().firstValue("Location")
                            .orElseThrow(() -> new IOException("the relay created an upload without a Location")));
                }
                failures = refused(relay, r, "(new)", failures);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                failures = check(failures, "(new)", "POST failed: " + e);
            }
        }
    }

    /** After a failed PATCH: the offset the relay has (HEAD), retried until the network answers. */
    private long where(RelayAccess relay, URI document, String id, long assumed)
            throws IOException, InterruptedException {
        for (int failures = 0; ; ) {
            try {
                HttpResponse<String> r = send(relay, document, b -> b.method("HEAD",
                        HttpRequest.BodyPublishers.noBody()));
                if (r.statusCode() == 200) {
                    long offset = header(r, "Upload-Offset");
                    log.info("upload resumes document={} offset={} (had sent up to {})", id, offset, assumed);
                    return offset;
                }
                failures = refused(relay, r, id, failures);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                failures = check(failures, id, "HEAD failed: " + e);
            }
        }
    }

    /** An answer other than success: retry what can succeed later, fail on what cannot. */
    private int refused(RelayAccess relay, HttpResponse<String> r, String id, int failures)
            throws IOException, InterruptedException {
        int status = r.statusCode();
        if (status == 401) {
            relay.refreshToken();
            return check(failures, id, "token refused (401), got a fresh one");
        }
        if (status == 409 || status == 460 || status >= 500) {
            return check(failures, id, "relay answered " + status);
        }
        throw new Refused("document " + id + ": the relay refused the upload with " + status + " " + r.body());
    }

    /** The relay's final no (a 4xx that a retry cannot change), as opposed to a network failure. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private int check(int failures, String id, String why) throws IOException, InterruptedException {
        if (failures + 1 >= MAX_ATTEMPTS_WITHOUT_PROGRESS) {
            throw new Refused("document " + id + ": giving up after " + (failures + 1) + " attempts: " + why);
        }
        Duration wait = backoff.delay(failures, ThreadLocalRandom.current());
        log.info("upload retry document={} attempt={} wait_ms={} why={}", id, failures + 1, wait.toMillis(), why);
        Thread.sleep(wait.toMillis());
        return failures + 1;
    }

    private HttpResponse<String> patch(RelayAccess relay, URI document, byte[] bytes, int from, int to)
            throws IOException, InterruptedException {
        String checksum = Base64.getEncoder().encodeToString(
                HexFormat.of().parseHex(Hashes.sha256Hex(bytes, from, to)));
        return send(relay, document, b -> b.header("Upload-Offset", Long.toString(from))
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Checksum", "sha256 " + checksum)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes, from, to - from)));
    }

    private HttpResponse<String> send(RelayAccess relay, URI uri,
                                      java.util.function.UnaryOperator<HttpRequest.Builder> request)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Tus-Resumable", "1.0.0")
                .header("Authorization", "Bearer " + relay.token());
        return http.send(request.apply(b).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long header(HttpResponse<?> r, String name) throws IOException {
        try {
            return Long.parseLong(r.headers().firstValue(name).orElseThrow(() -> new IOException("no " + name)));
        } catch (NumberFormatException e) {
            throw new IOException("bad " + name, e);
        }
    }

    private static String encode(Map<String, String> metadata) {
        return new LinkedHashMap<>(metadata).entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + " " + Base64.getEncoder().encodeToString(
                        e.getValue().getBytes(StandardCharsets.UTF_8)))
                .collect(Collectors.joining(","));
    }
}
