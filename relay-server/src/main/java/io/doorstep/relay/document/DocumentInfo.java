package io.doorstep.relay.document;

import java.time.Instant;

/**
 * A document as the parties see it, handed to a {@link DocumentListener}. {@code type} (image/jpeg, image/png,
 * application/pdf) is null until the first bytes are in; {@code sha256} (hex) and {@code completedAt} are null
 * until the upload completes. {@code filename} and the rest of the metadata are the uploader's and may be personal
 * data: pass them to the call's parties, never to a log.
 */
public record DocumentInfo(String documentId, String callId, long length, long offset, String type, String filename,
                           Integer page, String device, String uploadedBy, String sha256, Instant createdAt,
                           Instant completedAt) {
}
