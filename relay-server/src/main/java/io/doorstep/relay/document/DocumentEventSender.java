package io.doorstep.relay.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.DocumentEvent;
import io.doorstep.documents.SignedPost;
import java.time.Duration;
import java.util.UUID;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the signalling server of every document event: each is queued (never blocking the document I/O thread that
 * reports it) and posted, signed with {@link EventSignature}, in order, by one thread of its own, which retries with
 * back-off for as long as the signalling server is unreachable or answers 5xx. The signalling server applies each
 * event id once, so a retry after a lost answer is harmless. While events wait, a newer progress report of a document
 * replaces the one still queued (only the latest offset matters), so an outage queues a few events per document, not
 * one per progress interval; {@link #close} gives the queue a moment to drain.
 */
public final class DocumentEventSender implements DocumentListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DocumentEventSender.class);
    /** Events other than progress waiting at once, beyond which new ones are dropped (and logged). */
    static final int MAX_PENDING = 65_536;
    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SignedPost post;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Thread thread;
    /** Guarded by itself: events in order, and each document's queued progress report, to replace in place. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Pending> queuedProgress = new HashMap<>();
    private boolean posting;
    private volatile boolean closed;

    public DocumentEventSender(SignedPost post) {
        this(post, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    DocumentEventSender(SignedPost post, Duration firstBackoff, Duration maxBackoff) {
        this.post = post;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.thread = new Thread(this::run, "document-events");
        thread.setDaemon(true);
        thread.start();
    }

    /** A queued event; a progress report's event is replaced by the next one while it waits. */
    private static final class Pending {
        DocumentEvent event;

        Pending(DocumentEvent event) {
            this.event = event;
        }
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
        boolean progress = DocumentEvent.PROGRESS.equals(e.event());
        synchronized (pending) {
            Pending queued = progress ? queuedProgress.get(e.documentId()) : null;
            if (queued != null) {
                queued.event = e;
                return;
            }
            if (closed || pending.size() >= MAX_PENDING) {
                log.error("document event dropped: {} event={} document={}", closed ? "sender closed" : "queue full",
                        e.event(), e.documentId());
                return;
            }
            Pending p = new Pending(e);
            pending.addLast(p);
            if (progress) {
                queuedProgress.put(e.documentId(), p);
            }
            pending.notifyAll();
        }
    }

    private void run() {
        try {
            while (!closed) {
                DocumentEvent e = next();
                if (e != null) {
                    deliver(e);
                    delivered();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The oldest queued event (taken off the queue, so a newer progress report queues behind it). */
    private DocumentEvent next() throws InterruptedException {
        synchronized (pending) {
            while (pending.isEmpty() && !closed) {
                pending.wait();
            }
            Pending p = pending.pollFirst();
            if (p == null) {
                return null;
            }
            queuedProgress.remove(p.event.documentId(), p);
            posting = true;
            return p.event;
        }
    }

    private void delivered() {
        synchronized (pending) {
            posting = false;
            pending.notifyAll();
        }
    }

    /** Posts one event, retrying with back-off until it is taken or closed; a 4xx answer is final. */
    private void deliver(DocumentEvent e) throws InterruptedException {
        byte[] body = json(e);
        Duration backoff = firstBackoff;
        long outageStart = 0;
        while (!closed) {
            int status = post.send(body);
            if (status / 100 == 2) {
                if (outageStart != 0) {
                    log.info("document events delivered again after_ms={} pending={}",
                            (System.nanoTime() - outageStart) / 1_000_000, pendingCount());
                }
                return;
            }
            if (status / 100 == 4) {
                log.error("signalling refused document event status={} event={} document={}", status, e.event(),
                        e.documentId());
                return;
            }
            if (outageStart == 0) {
                outageStart = System.nanoTime();
                log.warn("signalling not taking document events status={} pending={}; retrying", status,
                        pendingCount() + 1);
            }
            TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
        log.error("document event not delivered: sender closed event={} document={}", e.event(), e.documentId());
    }

    private int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    private static byte[] json(DocumentEvent e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a document event is always serialisable", ex);
        }
    }

    /** Waits up to {@link #DRAIN} for the queued events to be delivered, then stops; what is left is logged. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        int left;
        synchronized (pending) {
            try {
                long wait;
                while ((!pending.isEmpty() || posting) && (wait = deadline - System.nanoTime()) > 0) {
                    pending.wait(Math.max(1, wait / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed = true;
            left = pending.size();
            pending.notifyAll();
        }
        if (left > 0) {
            log.error("document events not delivered at shutdown: {}", left);
        }
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
