package io.doorstep.relay.document;

/**
 * What happens to documents, for whoever must know: the signalling server (to tell both parties: document offered,
 * progress, completed with size and hash), the audit trail and the metrics. Every method has a no-op default.
 * Methods are called on the document I/O thread that owns the document, in the order things happen to it: they
 * must return quickly and must not block (hand slow work to another thread).
 */
public interface DocumentListener {
    DocumentListener NONE = new DocumentListener() {
    };

    /** Several listeners as one, told in order; one that throws is logged and does not stop the others. */
    static DocumentListener all(java.util.List<DocumentListener> listeners) {
        return new Listeners(listeners);
    }

    /** An upload was created; its bytes may follow at once. */
    default void created(DocumentInfo document, DocumentParty by) {
    }

    /** More bytes arrived ({@code document.offset()}); at most about every 250 ms per document, and at the end. */
    default void progress(DocumentInfo document) {
    }

    /** Every byte arrived, is on disk (fsync) and {@code document.sha256()} is the whole file's SHA-256. */
    default void completed(DocumentInfo document) {
    }

    /** A party started reading the document (it may still be uploading). */
    default void read(DocumentInfo document, DocumentParty by) {
    }

    /**
     * The upload ended before it completed and never will: {@code reason} terminated (the uploader deleted it),
     * expired (no write for documents.upload-expiry) or type (its content is not JPEG, PNG or PDF).
     */
    default void abandoned(DocumentInfo document, String reason) {
    }

    /** The document and its files are gone: {@code reason} terminated, expired, type or retention. */
    default void deleted(DocumentInfo document, String reason) {
    }
}
