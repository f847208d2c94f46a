package io.doorstep.relay.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.doorstep.relay.server.LeakCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with a tus client we did not write: tus-js-client 4.3.1 under Node.js (pinned with its
 * package-lock.json in src/test/node/tus-client, installed with {@code npm ci} into target/ on first use), driven
 * by client.mjs.
 */
@ExtendWith(LeakCheck.class)
class TusJsClientTest {
    private static final String CALL = "c-tus-js-client";
    private static final Path SOURCE = Path.of("src/test/node/tus-client");
    private static final Path INSTALLED = Path.of("target/tus-client");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 64 KiB PATCHes, the connection dropped while the one reaching 300,000 bytes is in flight. */
    private static final Map<String, Object> INTERRUPTED = Map.of("chunkSize", 64 * 1024, "abortAfter", 300_000);

    @TempDir
    Path dir;
    private TestDocuments docs;
    private String station;

    @BeforeAll
    static void install() throws Exception {
        Files.createDirectories(INSTALLED);
        boolean same = Files.exists(INSTALLED.resolve("node_modules/tus-js-client/package.json"))
                && Files.mismatch(SOURCE.resolve("package-lock.json"), INSTALLED.resolve("package-lock.json")) == -1;
        for (String f : List.of("package.json", "package-lock.json", "client.mjs")) {
            Files.copy(SOURCE.resolve(f), INSTALLED.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!same) {
            Process p = start(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(INSTALLED.toFile())
                    .redirectErrorStream(true));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("npm ci within 5 minutes").isTrue();
            assertThat(p.exitValue()).as("npm ci (Node.js 18+ and npm must be installed): %s", out).isZero();
        }
    }

    @BeforeEach
    void start() {
        docs = new TestDocuments(dir);
        station = docs.station(CALL);
    }

    @AfterEach
    void stop() {
        docs.close();
    }

    @Test
    void uploadsInChunksWithMetadata() throws Exception {
        byte[] scan = TestDocuments.jpeg(300_000, 21);

        JsonNode r = upload(scan, station, Map.of("chunkSize", 64 * 1024), null);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        HttpResponse<String> head = head(r.get("url").asText(), station);
        assertThat(head.headers().firstValue("Doorstep-Document-Sha256")).hasValue(TestDocuments.sha256(scan));
        assertThat(head.headers().firstValue("Upload-Metadata").orElseThrow())
                .contains("filename " + TestDocuments.b64("身份证.jpg"), "device " + TestDocuments.b64("document-camera"));
        assertThat(docs.counter("doorstep.relay.documents.requests", "operation", "PATCH", "status", "204"))
                .isEqualTo(5);
    }

    @Test
    void anInterruptedUploadResumesWhereTheRelayStopped() throws Exception {
        byte[] scan = TestDocuments.jpeg(900_000, 22);
        String url = interrupted(scan);
        assertThat(offset(url)).isLessThan(scan.length);

        JsonNode resumed = upload(scan, station, Map.of(), url);

        assertThat(resumed.get("ok").asBoolean()).as(resumed.toString()).isTrue();
        assertThat(head(url, station).headers().firstValue("Doorstep-Document-Sha256"))
                .hasValue(TestDocuments.sha256(scan));
    }

    @Test
    void anUploadResumesAfterARelayRestart() throws Exception {
        byte[] scan = TestDocuments.jpeg(900_000, 23);
        String url = interrupted(scan);

        docs.restart();
        String moved = docs.url(URI.create(url).getPath()); // the restarted relay listens on a new test port
        long offset = offset(moved);
        JsonNode resumed = upload(scan, station, Map.of(), moved);

        assertThat(offset).isPositive().isLessThan(scan.length);
        assertThat(resumed.get("ok").asBoolean()).as(resumed.toString()).isTrue();
        assertThat(head(moved, station).headers().firstValue("Doorstep-Document-Sha256"))
                .hasValue(TestDocuments.sha256(scan));
    }

    @Test
    void aChecksumMismatchFailsWith460() throws Exception {
        byte[] scan = TestDocuments.jpeg(50_000, 24);

        JsonNode r = upload(scan, station, Map.of("headers",
                Map.of("Upload-Checksum", "sha256 " + TestDocuments.sha256Base64(new byte[] {9}))), null);

        assertThat(status(r)).isEqualTo(460);
        assertThat(offset(r.get("url").asText())).isZero();
    }

    @Test
    void terminationRemovesTheUpload() throws Exception {
        byte[] scan = TestDocuments.jpeg(900_000, 25);
        String url = interrupted(scan);

        JsonNode r = node(Map.of("op", "terminate", "url", url, "token", station));

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(head(url, station).statusCode()).isEqualTo(410);
    }

    @Test
    void refusalsReachTheClient() throws Exception {
        byte[] gif = "GIF89a, not a scan".getBytes(StandardCharsets.US_ASCII);
        assertThat(status(upload(gif, station, Map.of(), null))).isEqualTo(415);
        byte[] big = TestDocuments.jpeg((int) TestDocuments.MAX_DOCUMENT + 1, 26);
        assertThat(status(upload(big, station, Map.of(), null))).isEqualTo(413);
        byte[] scan = TestDocuments.jpeg(900_000, 27);
        String url = interrupted(scan);
        // Resuming with a token of another call: the HEAD gets 403 and tus-js-client starts a new upload (in that
        // call), as the tus client should; terminating another call's upload shows the 403 itself.
        JsonNode other = node(Map.of("op", "terminate", "url", url, "token", docs.station("c-another-call")));
        assertThat(status(other)).isEqualTo(403);
        assertThat(offset(url)).isPositive();
    }

    /** Starts an upload of {@code scan}, drops it part-way and returns its URL once the relay has some bytes. */
    private String interrupted(byte[] scan) throws Exception {
        JsonNode first = upload(scan, station, INTERRUPTED, null);
        assertThat(first.path("aborted").asBoolean()).as(first.toString()).isTrue();
        String url = first.get("url").asText();
        await().atMost(Duration.ofSeconds(5)).until(() -> offset(url) > 0);
        return url;
    }

    private JsonNode upload(byte[] content, String token, Map<String, Object> options, String resumeUrl)
            throws Exception {
        Path file = Files.write(dir.resolve("scan-" + System.nanoTime()), content);
        ObjectNode a = JSON.createObjectNode().put("op", "upload").put("endpoint", docs.url("/files/"))
                .put("token", token).put("file", file.toAbsolutePath().toString());
        a.set("metadata", JSON.valueToTree(Map.of("filename", "身份证.jpg", "filetype", "image/jpeg", "page", "1",
                "device", "document-camera")));
        options.forEach((k, v) -> a.set(k, JSON.valueToTree(v)));
        if (resumeUrl != null) {
            a.put("uploadUrl", resumeUrl);
        }
        return node(a);
    }

    private static int status(JsonNode outcome) {
        assertThat(outcome.has("status")).as("a refusal: %s", outcome).isTrue();
        return outcome.get("status").asInt();
    }

    private static JsonNode node(Object args) throws IOException, InterruptedException {
        Process p = start(new ProcessBuilder("node", "client.mjs", JSON.writeValueAsString(args))
                .directory(INSTALLED.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tus-js-client finished within 60 s").isTrue();
        assertThat(p.exitValue()).as("node client.mjs: %s", out).isZero();
        return JSON.readTree(out);
    }

    private static Process start(ProcessBuilder command) {
        try {
            return command.start();
        } catch (IOException e) {
            throw new AssertionError(command.command().get(0) + " cannot run: Node.js 18+ and npm must be installed "
                    + "(scripts/test-env.sh installs them): " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> head(String url, String token) {
        return docs.send("HEAD", URI.create(url).getPath(), token, Map.of(), null);
    }

    private long offset(String url) {
        return Long.parseLong(head(url, station).headers().firstValue("Upload-Offset").orElse("-1"));
    }
}
