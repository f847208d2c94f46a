package io.doorstep.relay.document;

import io.doorstep.documents.DocumentRole;
import io.doorstep.relay.document.DiskExecutors.SerialExecutor;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One document and its upload. Changed only on its own I/O thread ({@link #executor}); the volatile fields are
 * read by event loops for HEAD and access checks.
 */
final class Upload {
    enum State { CREATING, UPLOADING, COMPLETE, GONE }

    final DocumentId id;
    final String callId;
    final long length;
    final UploadMetadata metadata;
    final DocumentParty uploader;
    final Instant createdAt;
    final SerialExecutor executor;

    volatile State state;
    volatile long offset;
    volatile DocumentType type;
    volatile String sha256;
    volatile Instant completedAt;
    /** When the call ended, as the signalling server said; null until it has. */
    volatile Instant callEndedAt;
    volatile Instant lastWrite;
    /** When the bytes that made {@link #offset} arrive reached the relay (System.nanoTime), for forward latency. */
    volatile long lastArrivalNanos;

    /** Digest of bytes [0, offset); null after a restart until the next PATCH rebuilds it. */
    MessageDigest digest;
    PatchSession writer;
    final List<Follower> followers = new ArrayList<>(2);
    long lastProgressNanos;

    Upload(DocumentId id, String callId, long length, UploadMetadata metadata, DocumentParty uploader,
           Instant createdAt, SerialExecutor executor) {
        this.id = id;
        this.callId = callId;
        this.length = length;
        this.metadata = metadata;
        this.uploader = uploader;
        this.createdAt = createdAt;
        this.executor = executor;
        this.lastWrite = createdAt;
        this.state = State.CREATING;
    }

    /** Bytes a reader may have: none until the type is recognised, then all that arrived. */
    long visibleOffset() {
        return type == null ? 0 : offset;
    }

    DocumentInfo info() {
        return new DocumentInfo(id.value(), callId, length, offset, type == null ? null : type.mediaType(),
                metadata.filename(), metadata.page(), metadata.device(), uploader.subject(), sha256, createdAt,
                completedAt);
    }

    StoredDocument stored() {
        return new StoredDocument(id.value(), callId, length, metadata.raw(), uploader.subject(),
                uploader.role().wireName(), createdAt.toEpochMilli(), type == null ? null : type.name(), sha256,
                completedAt == null ? null : completedAt.toEpochMilli(),
                callEndedAt == null ? null : callEndedAt.toEpochMilli());
    }

    static Upload restore(StoredDocument d, long onDisk, SerialExecutor executor) {
        DocumentParty by = new DocumentParty(d.uploadedBy(),
                DocumentRole.fromWireName(d.uploaderRole()).orElse(DocumentRole.STATION));
        Upload u = new Upload(new DocumentId(d.id()), d.callId(), d.length(), UploadMetadata.parse(d.metadata()), by,
                Instant.ofEpochMilli(d.createdAt()), executor);
        u.type = d.type() == null ? null : DocumentType.valueOf(d.type());
        u.sha256 = d.sha256();
        u.completedAt = d.completedAt() == null ? null : Instant.ofEpochMilli(d.completedAt());
        u.callEndedAt = d.callEndedAt() == null ? null : Instant.ofEpochMilli(d.callEndedAt());
        u.offset = u.sha256 != null ? d.length() : Math.min(onDisk, d.length());
        u.state = u.sha256 != null ? State.COMPLETE : State.UPLOADING;
        return u;
    }
}
