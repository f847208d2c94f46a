package io.doorstep.signalling.call;

/**
 * A line of the call log about a document or a print job of a call: the audit of who created, completed, read,
 * abandoned, deleted or printed what, with the document's SHA-256. Never the content, the file name or other
 * metadata of the uploader (they can be personal data).
 */
public record DocumentLogEntry(long ts, String callId, String event, String documentId, String by, String role,
                               String type, Long length, String sha256, String reason, String jobId, Integer copies,
                               String status) implements CallLog.Entry {

    /** A document event ({@code document.created}, {@code document.completed}, ...). */
    public static DocumentLogEntry document(long ts, String callId, String event, String documentId, String by,
                                            String role, String type, long length, String sha256, String reason) {
        return new DocumentLogEntry(ts, callId, event, documentId, by, role, type, length, sha256, reason, null, null,
                null);
    }

    /** A print job event ({@code print.requested}, {@code print.result}) about the document with {@code sha256}. */
    public static DocumentLogEntry print(long ts, String callId, String event, String documentId, String sha256,
                                         String by, String jobId, Integer copies, String status, String reason) {
        return new DocumentLogEntry(ts, callId, event, documentId, by, null, null, null, sha256, reason, jobId, copies,
                status);
    }
}
