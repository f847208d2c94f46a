package io.doorstep.relay.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.doorstep.documents.DocumentEvent;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.EventSignature;
import io.doorstep.documents.SignedPost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's document events reach an HTTP endpoint signed, in order, after an outage of any length (with only the
 * latest progress of each document kept while they wait), and on close.
 */
class DocumentEventSenderTest {
    private static final byte[] SECRET = TestDocuments.SECRET.getBytes(StandardCharsets.UTF_8);
    private final EventSignature signature = new EventSignature(SECRET, Clock.systemUTC());
    private final List<DocumentEvent> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final HttpServer server = server();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void eventsArriveSignedAndInOrder() {
        try (DocumentEventSender sender = sender()) {
            DocumentInfo doc = info(null);
            sender.created(doc, new DocumentParty("st-lianmin", DocumentRole.STATION));
            sender.progress(doc);
            sender.completed(info("ab12"));

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
            assertThat(received).extracting(DocumentEvent::event).containsExactly("created", "progress", "completed");
            assertThat(received.get(0).byRole()).isEqualTo("station");
            assertThat(received.get(0).by()).isEqualTo("st-lianmin");
            assertThat(received.get(2).sha256()).isEqualTo("ab12");
            assertThat(received).extracting(DocumentEvent::eventId).doesNotHaveDuplicates();
        }
    }

    @Test
    void anEventIsRetriedUntilTheEndpointTakesIt() {
        failuresLeft.set(2);
        try (DocumentEventSender sender = sender()) {
            sender.abandoned(info(null), "terminated");

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            assertThat(received.get(0).reason()).isEqualTo("terminated");
            assertThat(failuresLeft.get()).isZero();
        }
    }

    @Test
    void anOutageQueuesOnlyTheLatestProgressOfADocument() {
        failuresLeft.set(20);
        try (DocumentEventSender sender = quickSender()) {
            sender.created(info("AAAAAAAAAAAAAAAAAAAAAAAA", 0, null), new DocumentParty("st-lianmin",
                    DocumentRole.STATION));
            for (int offset = 1; offset <= 99; offset++) {
                sender.progress(info("AAAAAAAAAAAAAAAAAAAAAAAA", offset, null));
                sender.progress(info("BBBBBBBBBBBBBBBBBBBBBBBB", offset, null));
            }
            sender.completed(info("AAAAAAAAAAAAAAAAAAAAAAAA", 100, "ab12"));

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 4);
            assertThat(received).extracting(e -> e.event() + " " + e.documentId().charAt(0) + " " + e.offset())
                    .containsExactly("created A 0", "progress A 99", "progress B 99", "completed A 100");
            assertThat(failuresLeft.get()).isZero();
        }
    }

    @Test
    void anEventWaitsOutAnOutageOfAnyLength() {
        failuresLeft.set(60); // far more attempts than a fixed retry budget would allow
        try (DocumentEventSender sender = quickSender()) {
            sender.deleted(info(null), "expired");

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.get(0).event()).isEqualTo("deleted");
        }
    }

    @Test
    void closingDeliversWhatIsStillQueued() {
        DocumentEventSender sender = sender();
        for (int i = 0; i < 30; i++) {
            sender.abandoned(info(String.format("%024d", i), 10, null), "terminated");
        }
        sender.close();

        assertThat(received).hasSize(30);
        assertThat(received).extracting(DocumentEvent::documentId).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 30).mapToObj(i -> String.format("%024d", i)).toList());
    }

    private DocumentEventSender sender() {
        return new DocumentEventSender(new SignedPost(endpoint(), signature));
    }

    private DocumentEventSender quickSender() {
        return new DocumentEventSender(new SignedPost(endpoint(), signature), Duration.ofMillis(10),
                Duration.ofMillis(20));
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/internal/documents/events");
    }

    private static DocumentInfo info(String sha256) {
        return info("AAAAAAAAAAAAAAAAAAAAAAAA", sha256 == null ? 50 : 100, sha256);
    }

    private static DocumentInfo info(String id, long offset, String sha256) {
        return new DocumentInfo(id, "c-1", 100, offset, "image/jpeg", "scan.jpg", 1, "document-camera",
                "st-lianmin", sha256, Instant.now(), null);
    }

    private HttpServer server() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/internal/documents/events", this::handle);
            s.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean signed = signature.verify(exchange.getRequestHeaders().getFirst(EventSignature.TIMESTAMP_HEADER),
                exchange.getRequestHeaders().getFirst(EventSignature.SIGNATURE_HEADER), body);
        int status = !signed ? 401 : failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 202;
        if (status == 202) {
            received.add(new ObjectMapper().readValue(body, DocumentEvent.class));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
