package io.doorstep.relay.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.DocumentEvent;
import io.doorstep.documents.EventSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the signalling server of every document event: each is queued (bounded, never blocking the document I/O
 * thread that reports it) and posted, signed with {@link EventSignature}, in order, by one thread of its own, which
 * retries with back-off while the signalling server is unreachable or answers 5xx. The signalling server applies each
 * event id once, so a retry after a lost answer is harmless. When the queue is full, events are dropped and logged.
 */
public final class DocumentEventSender implements DocumentListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DocumentEventSender.class);
    static final int QUEUE = 4096;
    private static final int ATTEMPTS = 8;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI target;
    private final EventSignature signature;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final BlockingQueue<DocumentEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile boolean closed;

    public DocumentEventSender(URI target, EventSignature signature) {
        this.target = target;
        this.signature = signature;
        this.thread = new Thread(this::run, "document-events");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void created(DocumentInfo d, DocumentParty by) {
        enqueue(event(DocumentEvent.CREATED, d, by, null));
    }

    @Override
    public void progress(DocumentInfo d) {
        enqueue(event(DocumentEvent.PROGRESS, d, null, null));
    }

    @Override
    public void completed(DocumentInfo d) {
        enqueue(event(DocumentEvent.COMPLETED, d, null, null));
    }

    @Override
    public void read(DocumentInfo d, DocumentParty by) {
        enqueue(event(DocumentEvent.READ, d, by, null));
    }

    @Override
    public void abandoned(DocumentInfo d, String reason) {
        enqueue(event(DocumentEvent.ABANDONED, d, null, reason));
    }

    @Override
    public void deleted(DocumentInfo d, String reason) {
        enqueue(event(DocumentEvent.DELETED, d, null, reason));
    }

    private static DocumentEvent event(String name, DocumentInfo d, DocumentParty by, String reason) {
        return new DocumentEvent(UUID.randomUUID().toString(), name, System.currentTimeMillis(), d.documentId(),
                d.callId(), d.length(), d.offset(), d.type(), d.filename(), d.page(), d.device(), d.uploadedBy(),
                by == null ? null : by.subject(), by == null ? null : by.role().wireName(), d.sha256(), reason);
    }

    private void enqueue(DocumentEvent e) {
        if (!queue.offer(e)) {
            log.warn("document event dropped: queue full event={} document={}", e.event(), e.documentId());
        }
    }

    private void run() {
        while (!closed) {
            try {
                post(queue.take());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Posts one event, retrying with back-off; gives up after {@link #ATTEMPTS} or on a 4xx answer. */
    private void post(DocumentEvent e) throws InterruptedException {
        byte[] body = json(e);
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; attempt <= ATTEMPTS && !closed; attempt++) {
            int status = send(body);
            if (status / 100 == 2) {
                return;
            }
            if (status / 100 == 4) {
                log.error("signalling refused document event status={} event={} document={}", status, e.event(),
                        e.documentId());
                return;
            }
            TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        log.error("document event not delivered event={} document={}", e.event(), e.documentId());
    }

    /** The answer's status, or 0 when the signalling server could not be reached. */
    private int send(byte[] body) throws InterruptedException {
        String ts = signature.timestamp();
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header(EventSignature.TIMESTAMP_HEADER, ts)
                .header(EventSignature.SIGNATURE_HEADER, signature.sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException ex) {
            log.warn("signalling unreachable for document events: {}", ex.toString());
            return 0;
        }
    }

    private static byte[] json(DocumentEvent e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a document event is always serialisable", ex);
        }
    }

    /** Stops posting; events still queued are dropped. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
