package io.doorstep.relay.document;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.documents.DocumentTokens;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.Ports;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.relay.server.TestRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay process wiring: the document relay starts beside TURN and reports on the relay's /metrics. */
class RelayWithDocumentsTest {
    @TempDir
    Path dir;

    @Test
    void theRelayServesDocumentsAndTheirMetrics() throws Exception {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_METRICS_PORT",
                String.valueOf(Ports.freeTcpPort())))) {
            int port = relay.app().documentsAddress().getPort();
            HttpResponse<String> options = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/files/")).timeout(Duration.ofSeconds(5))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(options.statusCode()).isEqualTo(204);
            assertThat(options.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
            assertThat(relay.http("/metrics", null).body()).contains("doorstep_relay_documents_uploads_active",
                    "doorstep_relay_documents_forward_latency_seconds_bucket");
            assertThat(Files.readString(dir.resolve("data/document-secret")).trim()).hasSizeGreaterThanOrEqualTo(32);
        }
    }

    @Test
    void theRelayTellsItsDocumentListener() throws Exception {
        java.util.List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();
        DocumentListener listener = new DocumentListener() {
            @Override
            public void created(DocumentInfo document, DocumentParty by) {
                created.add(document.callId() + " " + by.subject());
            }
        };
        RelayConfig config = RelayConfig.load(null, TestRelay.environment(dir, Map.of(
                "DOORSTEP_DOCUMENTS_TOKEN_SECRET", TestDocuments.SECRET)));
        try (RelayApp app = new RelayApp(config, listener)) {
            app.start();
            String token = new TestDocuments.Tokens(new DocumentTokens(
                    TestDocuments.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), Clock.systemUTC()))
                    .station("c-wired");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + app.documentsAddress().getPort() + "/files/"))
                    .timeout(Duration.ofSeconds(5)).header("Tus-Resumable", "1.0.0")
                    .header("Authorization", "Bearer " + token).header("Upload-Length", "1000")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(created).containsExactly("c-wired st-lianmin");
        }
    }

    @Test
    void turnedOffTheDocumentRelayOpensNoPort() {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_DOCUMENTS_ENABLED", "false"))) {
            assertThat(relay.app().documentsAddress()).isNull();
        }
    }
}
