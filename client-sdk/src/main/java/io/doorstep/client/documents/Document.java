package io.doorstep.client.documents;

import io.doorstep.protocol.Role;

/**
 * A document of the call on the document relay, as the signalling server last described it: a scan from the
 * station or a form from the agent. {@code received} of {@code length} bytes have reached the relay; {@code sha256}
 * (hex) is known once it is {@link Status#COMPLETED}.
 */
public record Document(String callId, String id, String filename, String mediaType, Integer page, String device,
                       Role uploadedBy, long length, long received, String sha256, Status status) {

    public enum Status {
        /** Bytes are still arriving; it can be read already (the read follows the upload). */
        UPLOADING,
        /** Every byte is on the relay; {@code sha256} is set. Only a completed document can be printed. */
        COMPLETED,
        /** The upload ended unfinished and never will complete. */
        ABANDONED,
        /** Gone from the relay. */
        DELETED
    }

    Document with(long newReceived, String newMediaType, String newSha256, Status newStatus) {
        return new Document(callId, id, filename, newMediaType == null ? mediaType : newMediaType, page, device,
                uploadedBy, length, newReceived, newSha256 == null ? sha256 : newSha256, newStatus);
    }

    /** The document with more bytes received. */
    public Document progressed(long offset) {
        return with(Math.max(received, offset), null, null, status);
    }

    /** The document complete, with its type and hash. */
    public Document completed(String type, String hash) {
        return with(length, type, hash, Status.COMPLETED);
    }

    /** The document in a final state other than complete. */
    public Document ended(Status end) {
        return with(received, null, null, end);
    }
}
