package io.doorstep.relay.document;

/**
 * What is kept on disk beside a document's bytes ({@code <id>.json}), enough to resume its upload after a restart.
 * Times are Unix milliseconds; {@code type}, {@code sha256}, {@code completedAt} and {@code callEndedAt} (when the
 * signalling server said the call ended) are null until known.
 */
record StoredDocument(String id, String callId, long length, String metadata, String uploadedBy, String uploaderRole,
                      long createdAt, String type, String sha256, Long completedAt, Long callEndedAt) {
}
