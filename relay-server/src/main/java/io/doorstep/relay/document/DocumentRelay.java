package io.doorstep.relay.document;

import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentToken;
import io.doorstep.documents.DocumentTokenException;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.relay.config.RelayConfig;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents of all calls: creation, access checks, limits, the steps every write and read share (advance,
 * completion, removal) and the sweep for expiry and retention. Methods named as running "on the document's thread"
 * must be called from {@code upload.executor}.
 */
final class DocumentRelay {
    private static final Logger log = LoggerFactory.getLogger(DocumentRelay.class);
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final RelayConfig.Documents config;
    private final DocumentTokens tokens;
    final DocumentStore store;
    final DiskExecutors disk;
    final DocumentListener listener;
    final DocumentMetrics metrics;
    private final Clock clock;
    private final Map<DocumentId, Upload> uploads = new ConcurrentHashMap<>();
    private final Map<String, Long> callBytes = new ConcurrentHashMap<>();
    /** Deleted documents and when, kept (also on disk) for {@code retention}: they answer 410, not 404. */
    private final Map<DocumentId, Instant> tombstones = new ConcurrentHashMap<>();
    /** Calls the signalling server said have ended, and when, kept for {@code retention}: see {@link #callEnded}. */
    private final Map<String, Instant> endedCalls = new ConcurrentHashMap<>();

    DocumentRelay(RelayConfig.Documents config, DocumentTokens tokens, DocumentStore store, DiskExecutors disk,
                  DocumentListener listener, DocumentMetrics metrics, Clock clock) {
        this.config = config;
        this.tokens = tokens;
        this.store = store;
        this.disk = disk;
        this.listener = listener;
        this.metrics = metrics;
        this.clock = clock;
    }

    long maxDocumentBytes() {
        return config.maxDocumentBytes();
    }

    int unfinished() {
        return (int) uploads.values().stream().filter(u -> u.state == Upload.State.UPLOADING).count();
    }

    Collection<Upload> uploads() {
        return uploads.values();
    }

    /** Verifies the bearer token (401 when missing or refused). */
    DocumentToken authenticate(String token) {
        if (token == null) {
            throw DocumentError.TOKEN_REQUIRED.with("Authorization: Bearer <document token> is required");
        }
        try {
            return tokens.verify(token);
        } catch (DocumentTokenException e) {
            throw DocumentError.TOKEN_REQUIRED.with(e.getMessage());
        }
    }

    /**
     * The document {@code id} names: 410 when it was deleted (within {@code retention} of its deletion, also after
     * a restart), 404 when there never was one or its deletion is older.
     */
    Upload find(DocumentId id) {
        Upload u = uploads.get(id);
        if (u != null && u.state != Upload.State.GONE) {
            return u;
        }
        if (u != null || tombstones.containsKey(id)) {
            throw DocumentError.GONE.with("the document was deleted or its upload abandoned");
        }
        throw DocumentError.NOT_FOUND.with("no such document");
    }

    /** 403 unless {@code token} grants {@code permission} on documents of {@code callId}. */
    void authorize(DocumentToken token, String callId, DocumentPermission permission) {
        if (token.role() == DocumentRole.OPERATOR_AUDIT) {
            if (!config.operatorAudit()) {
                throw DocumentError.FORBIDDEN.with("operator audit access is not enabled on this relay");
            }
            if (permission == DocumentPermission.UPLOAD) {
                throw DocumentError.FORBIDDEN.with("operator audit tokens only read");
            }
        }
        if (!token.allows(permission)) {
            throw DocumentError.FORBIDDEN.with("the token does not allow " + permission.wireName());
        }
        if (!token.callId().equals(callId)) {
            throw DocumentError.FORBIDDEN.with("the document belongs to another call");
        }
    }

    /** Like {@link #authorize} with whichever of upload and read the token has (HEAD needs either). */
    void authorizeAny(DocumentToken token, String callId) {
        authorize(token, callId, token.allows(DocumentPermission.UPLOAD) && token.role() != DocumentRole.OPERATOR_AUDIT
                ? DocumentPermission.UPLOAD : DocumentPermission.READ);
    }

    /** Registers a new upload within the limits; the returned future completes when its record is on disk. */
    Creation create(DocumentToken token, long length, UploadMetadata metadata) {
        authorize(token, token.callId(), DocumentPermission.UPLOAD);
        if (length > config.maxDocumentBytes()) {
            throw DocumentError.TOO_LARGE.with("a document may have at most " + config.maxDocumentBytes() + " bytes");
        }
        if (length < DocumentType.SNIFF_BYTES) {
            throw DocumentError.UNSUPPORTED_TYPE.with("a document this short cannot be a JPEG, PNG or PDF");
        }
        reserve(token.callId(), length);
        DocumentId id = DocumentId.random();
        Upload u = new Upload(id, token.callId(), length, metadata,
                new DocumentParty(token.subject(), token.role()), clock.instant(), disk.of(id));
        u.callEndedAt = endedCalls.get(u.callId); // a document token outlives its call by up to its lifetime
        uploads.put(id, u);
        CompletableFuture<Void> persisted = new CompletableFuture<>();
        u.executor.execute(() -> persist(u, persisted));
        return new Creation(u, persisted);
    }

    /** A new upload and when its record is durable. */
    record Creation(Upload upload, CompletableFuture<Void> persisted) {
    }

    private void persist(Upload u, CompletableFuture<Void> persisted) {
        try {
            store.create(u.id); // a reader may follow the document before its first byte
            store.save(u.stored(), true);
            u.digest = Digests.sha256();
            u.state = Upload.State.UPLOADING;
            listener.created(u.info(), u.uploader);
            persisted.complete(null);
        } catch (IOException e) {
            log.error("document {}: cannot store its record: {}", u.id, e.toString());
            u.state = Upload.State.GONE;
            uploads.remove(u.id);
            release(u.callId, u.length);
            persisted.completeExceptionally(DocumentError.INTERNAL.with("the relay cannot store the document"));
        }
    }

    private void reserve(String callId, long length) {
        callBytes.compute(callId, (k, used) -> {
            long now = used == null ? 0 : used;
            if (now + length > config.maxCallBytes()) {
                throw DocumentError.TOO_LARGE.with("the documents of this call may have at most "
                        + config.maxCallBytes() + " bytes together");
            }
            return now + length;
        });
    }

    private void release(String callId, long length) {
        callBytes.computeIfPresent(callId, (k, used) -> used - length <= 0 ? null : used - length);
    }

    /** Starts a PATCH (or the body of a creation) at {@code offset}; see {@link PatchSession}. */
    PatchSession patch(Upload u, long offset, Checksum checksum, Channel channel, PatchSession.Backlog backlog) {
        PatchSession s = new PatchSession(this, u, offset, checksum, channel, backlog);
        u.executor.execute(s::begin);
        return s;
    }

    /**
     * Starts streaming the document (or the satisfiable {@code range} of it; null: all) to a reader; {@code done} runs
     * when all of it was sent.
     */
    Follower follow(Upload u, DocumentToken token, Channel channel, ByteRange range, Runnable done) {
        Follower f = new Follower(this, u, channel, range, done);
        DocumentParty reader = new DocumentParty(token.subject(), token.role());
        u.executor.execute(() -> f.start(reader));
        return f;
    }

    /** tus termination: the upload ends, its readers are cut off and its files deleted. */
    CompletableFuture<Void> terminate(Upload u) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        u.executor.execute(() -> {
            if (u.state == Upload.State.GONE) {
                done.completeExceptionally(DocumentError.GONE.with("the document was already deleted"));
            } else {
                remove(u, "terminated");
                done.complete(null);
            }
        });
        return done;
    }

    /** When an unfinished upload expires if nothing is written; null for a complete one. */
    Instant expiresAt(Upload u) {
        return u.state == Upload.State.COMPLETE ? null : u.lastWrite.plus(config.uploadExpiry());
    }

    /** On the document's thread: rebuilds the running digest after a restart. */
    void ensureDigest(Upload u) throws IOException {
        if (u.digest == null) {
            try (FileChannel f = store.openData(u.id)) {
                u.digest = Digests.of(f, u.offset);
            }
        }
    }

    /**
     * On the document's thread: {@code n} more bytes are on disk at the end of the document. Recognises the type
     * once the first bytes are in (an unknown type ends the upload, 415 to its writer), wakes the readers and reports
     * progress. Returns false when the upload was refused.
     */
    boolean advance(Upload u, long n, long arrivalNanos) {
        u.offset += n;
        u.lastWrite = clock.instant();
        u.lastArrivalNanos = arrivalNanos;
        metrics.bytesIn(n);
        if (u.type == null && u.offset >= DocumentType.SNIFF_BYTES && !recognise(u)) {
            return false;
        }
        wake(u);
        long now = System.nanoTime();
        if (now - u.lastProgressNanos >= PROGRESS_INTERVAL_NANOS) {
            u.lastProgressNanos = now;
            listener.progress(u.info());
        }
        return true;
    }

    private boolean recognise(Upload u) {
        try (FileChannel f = store.openForReading(u.id)) {
            ByteBuffer head = ByteBuffer.allocate(DocumentType.SNIFF_BYTES);
            while (head.hasRemaining() && f.read(head, head.position()) > 0) {
                // read until the head is full
            }
            u.type = DocumentType.sniff(head.array()).orElse(null);
        } catch (IOException e) {
            log.error("document {}: cannot read its first bytes: {}", u.id, e.toString());
        }
        if (u.type == null) {
            // Gone before the writer hears 415, so that no request after that answer finds the upload still there.
            PatchSession writer = u.writer;
            u.writer = null;
            remove(u, "type");
            if (writer != null) {
                writer.fail(DocumentError.UNSUPPORTED_TYPE.with("the content is not a JPEG, PNG or PDF"));
            }
            return false;
        }
        return true;
    }

    private static void wake(Upload u) {
        for (Follower f : new ArrayList<>(u.followers)) {
            f.pump();
        }
    }

    /**
     * On the document's thread: the last byte is in and synced; records the hash (not synced: the bytes are, and
     * {@link #recover} hashes them again if the record was lost) and tells everyone.
     */
    void complete(Upload u) throws IOException {
        String sha256 = Digests.hex(u.digest.digest());
        u.digest = null;
        u.sha256 = sha256;
        u.completedAt = clock.instant();
        try {
            store.save(u.stored(), false);
        } catch (IOException e) {
            u.sha256 = null;
            u.completedAt = null;
            throw e;
        }
        u.state = Upload.State.COMPLETE;
        listener.completed(u.info());
        wake(u);
    }

    /** On the document's thread: progress at the end of a PATCH that did not complete the document. */
    void progress(Upload u) {
        u.lastProgressNanos = System.nanoTime();
        listener.progress(u.info());
    }

    /** On the document's thread: the document ends ({@code reason}: terminated, expired, type, retention). */
    void remove(Upload u, String reason) {
        if (u.state == Upload.State.GONE) {
            return;
        }
        boolean unfinished = u.state != Upload.State.COMPLETE;
        u.state = Upload.State.GONE;
        Instant now = clock.instant();
        tombstones.put(u.id, now);
        uploads.remove(u.id);
        release(u.callId, u.length);
        if (u.writer != null) {
            u.writer.fail(DocumentError.GONE.with("the upload was " + reason));
        }
        wake(u);
        try {
            store.delete(u.id, new Tombstone(u.id.value(), reason, now.toEpochMilli()));
        } catch (IOException e) {
            log.error("document {}: cannot delete its files: {}", u.id, e.toString());
        }
        DocumentInfo info = u.info();
        if (unfinished) {
            listener.abandoned(info, reason);
        }
        listener.deleted(info, reason);
    }

    /** Loads the documents on disk (at start-up, before the port opens): partial uploads can be resumed. */
    void recover() throws IOException {
        Instant now = clock.instant();
        DocumentStore.Contents contents = store.loadAll();
        contents.gone().forEach(t -> tombstones.put(new DocumentId(t.id()), Instant.ofEpochMilli(t.deletedAt())));
        for (StoredDocument d : contents.documents()) {
            DocumentId id = new DocumentId(d.id());
            Upload u = Upload.restore(d, store.size(id), disk.of(id));
            u.lastWrite = now;
            uploads.put(id, u);
            callBytes.merge(u.callId, u.length, Long::sum);
            if (u.state == Upload.State.UPLOADING && u.offset >= DocumentType.SNIFF_BYTES) {
                u.executor.execute(() -> resume(u));
            }
        }
    }

    /** On the document's thread, after a restart: recognises the type, and completes an upload whose bytes all are in. */
    private void resume(Upload u) {
        if (!recognise(u) || u.offset < u.length) {
            return;
        }
        try {
            ensureDigest(u);
            complete(u);
        } catch (IOException e) {
            log.error("document {}: cannot complete after the restart: {}", u.id, e.toString());
        }
    }

    /**
     * The signalling server says {@code callId} ended at {@code endedAt}: the retention of its documents counts from
     * then. Recorded with each of its documents (not synced: if a crash loses it, {@code call-end-wait} still bounds
     * how long the document stays), and remembered for documents the call's parties create afterwards.
     */
    void callEnded(String callId, Instant endedAt) {
        if (endedCalls.putIfAbsent(callId, endedAt) != null) {
            return; // told again (a retry after a lost answer): the first end stands
        }
        for (Upload u : uploads.values()) {
            if (u.callId.equals(callId)) {
                u.executor.execute(() -> recordCallEnd(u, endedAt));
            }
        }
    }

    /** On the document's thread. */
    private void recordCallEnd(Upload u, Instant endedAt) {
        if (u.state == Upload.State.GONE || u.callEndedAt != null) {
            return;
        }
        u.callEndedAt = endedAt;
        try {
            store.save(u.stored(), false);
        } catch (IOException e) {
            log.error("document {}: cannot record its call's end: {}", u.id, e.toString());
        }
    }

    /** When a completed document's retention starts: its call's end, or call-end-wait after it completed. */
    private Instant retainedFrom(Upload u) {
        return u.callEndedAt != null ? u.callEndedAt : u.completedAt.plus(config.callEndWait());
    }

    /**
     * Ends expired unfinished uploads, deletes documents past their retention and forgets old tombstones and call
     * ends.
     */
    void sweep() {
        Instant now = clock.instant();
        tombstones.forEach((id, deletedAt) -> {
            if (!deletedAt.plus(config.retention()).isAfter(now) && tombstones.remove(id, deletedAt)) {
                disk.of(id).execute(() -> forget(id));
            }
        });
        endedCalls.values().removeIf(endedAt -> !endedAt.plus(config.retention()).isAfter(now));
        for (Upload u : uploads.values()) {
            if (u.state == Upload.State.COMPLETE && !retainedFrom(u).plus(config.retention()).isAfter(now)) {
                u.executor.execute(() -> remove(u, "retention"));
            } else if (u.state == Upload.State.UPLOADING && !expiresAt(u).isAfter(now)) {
                u.executor.execute(() -> {
                    if (u.writer == null && u.state == Upload.State.UPLOADING && !expiresAt(u).isAfter(clock.instant())) {
                        remove(u, "expired");
                    }
                });
            }
        }
    }

    private void forget(DocumentId id) {
        try {
            store.forget(id);
        } catch (IOException e) {
            log.error("document {}: cannot delete its tombstone: {}", id, e.toString());
        }
    }
}
