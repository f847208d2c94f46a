package io.doorstep.signalling.documents;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** A plain HTTP tus 1.0.0 client for the document relay (the relay's own tests run tus-js-client). */
record Tus(String url) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Creates an upload; returns its id (the last segment of Location). */
    String create(String token, long length, String filename, String filetype, int page, String device)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(request(token, URI.create(url)).header("Upload-Length", Long.toString(length))
                .header("Upload-Metadata", "filename " + b64(filename) + ",filetype " + b64(filetype) + ",page "
                        + b64(Integer.toString(page)) + ",device " + b64(device))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (r.statusCode() != 201) {
            throw new AssertionError("create answered " + r.statusCode() + ": " + r.body());
        }
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    HttpResponse<String> patch(String token, String id, long offset, byte[] bytes, int from, int to)
            throws IOException, InterruptedException {
        return send(request(token, URI.create(url + id)).header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(bytes, from, to))));
    }

    HttpResponse<String> head(String token, String id) throws IOException, InterruptedException {
        return send(request(token, URI.create(url + id)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> delete(String token, String id) throws IOException, InterruptedException {
        return send(request(token, URI.create(url + id)).DELETE());
    }

    /** The whole document, read with a plain GET. */
    byte[] read(String token, String id) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + id)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET answered " + r.statusCode());
        }
        return r.body();
    }

    private static HttpRequest.Builder request(String token, URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Tus-Resumable", "1.0.0")
                .header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code size} bytes that the relay recognises as a JPEG. */
    static byte[] jpeg(int size) {
        return withMagic(size, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
    }

    /** {@code size} bytes that the relay recognises as a PDF. */
    static byte[] pdf(int size) {
        return withMagic(size, "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] withMagic(int size, byte[] magic) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
