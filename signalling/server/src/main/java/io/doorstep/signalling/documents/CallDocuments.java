package io.doorstep.signalling.documents;

import io.doorstep.protocol.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The documents of each connected call, as the relay's events made them known; forgotten when the call ends. */
final class CallDocuments {
    enum Status { UPLOADING, COMPLETED, ABANDONED }

    /** A document of a call; {@code progressSentAt} is when the parties were last told its progress (epoch ms). */
    record Known(String documentId, Role uploadedBy, long length, long offset, String type, String sha256,
                 Status status, long progressSentAt) {
        Known withOffset(long newOffset, long sentAt) {
            return new Known(documentId, uploadedBy, length, newOffset, type, sha256, status, sentAt);
        }

        Known completed(String completedType, long completedLength, String hash) {
            return new Known(documentId, uploadedBy, completedLength, completedLength, completedType, hash,
                    Status.COMPLETED, progressSentAt);
        }

        Known abandoned() {
            return new Known(documentId, uploadedBy, length, offset, type, sha256, Status.ABANDONED, progressSentAt);
        }
    }

    private final Map<String, Map<String, Known>> byCall = new HashMap<>();

    Optional<Known> get(String callId, String documentId) {
        return Optional.ofNullable(byCall.getOrDefault(callId, Map.of()).get(documentId));
    }

    void put(String callId, Known document) {
        byCall.computeIfAbsent(callId, c -> new HashMap<>()).put(document.documentId(), document);
    }

    void remove(String callId, String documentId) {
        Map<String, Known> documents = byCall.get(callId);
        if (documents != null) {
            documents.remove(documentId);
        }
    }

    void forget(String callId) {
        byCall.remove(callId);
    }
}
