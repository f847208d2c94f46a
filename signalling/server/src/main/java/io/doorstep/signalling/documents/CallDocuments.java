package io.doorstep.signalling.documents;

import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import java.util.Collection;
import java.util.Optional;

/**
 * The documents and print jobs of connected calls, as the relay's events and the agents' print requests made them
 * known, and the relay's event ids already applied. Forgotten when the call ends. On a single box this server's
 * memory ({@link InMemoryCallDocuments}); in a cluster Redis, so that an event posted to any node, a print result
 * sent through any node and a party signing in again on any node all see the same call. Switchboard thread only.
 */
public interface CallDocuments {
    enum Status { UPLOADING, COMPLETED, ABANDONED }

    /**
     * A document of a call, with what its {@code document.offered} said; {@code progressSentAt} is when the parties
     * were last told its progress (epoch ms).
     */
    record Known(String documentId, Role uploadedBy, String filename, Integer page, String device, long length,
                 long offset, String type, String sha256, Status status, String reason, long progressSentAt) {
        Known withOffset(long newOffset, long sentAt) {
            return new Known(documentId, uploadedBy, filename, page, device, length, newOffset, type, sha256, status,
                    reason, sentAt);
        }

        Known completed(String completedType, long completedLength, String hash) {
            return new Known(documentId, uploadedBy, filename, page, device, completedLength, completedLength,
                    completedType, hash, Status.COMPLETED, null, progressSentAt);
        }

        Known abandoned(String why) {
            return new Known(documentId, uploadedBy, filename, page, device, length, offset, type, sha256,
                    Status.ABANDONED, why, progressSentAt);
        }
    }

    /** A print job of a call; {@code status} null until the station reports its outcome. */
    record PrintJob(String documentId, String sha256, int copies, PrintStatus status, String reason) {
    }

    Optional<Known> get(String callId, String documentId);

    /** Every known document of the call. */
    Collection<Known> all(String callId);

    void put(String callId, Known document);

    void remove(String callId, String documentId);

    Optional<PrintJob> job(String callId, String jobId);

    /** How many print jobs the call has. */
    int jobCount(String callId);

    void putJob(String callId, String jobId, PrintJob job);

    /**
     * True the first time a relay's event id is seen (the relay retries a post, perhaps to another node); ids are
     * remembered for at least a few minutes.
     */
    boolean firstTime(String eventId);

    /** The call ended: its documents and print jobs are forgotten. */
    void forget(String callId);
}
