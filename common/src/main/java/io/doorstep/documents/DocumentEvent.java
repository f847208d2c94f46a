package io.doorstep.documents;

/**
 * One document event as the relay posts it to the signalling server ({@code POST /internal/documents/events}).
 * {@code event} is created, progress, completed, read, abandoned or deleted; {@code eventId} is unique per event, so
 * a retried post is applied once. {@code by} and {@code byRole} name the party of created and read; {@code reason}
 * is set on abandoned and deleted. {@code filename}, {@code page} and {@code device} are the uploader's metadata:
 * personal data for the call's parties only, never for a log.
 */
public record DocumentEvent(String eventId, String event, long at, String documentId, String callId, long length,
                            long offset, String type, String filename, Integer page, String device, String uploadedBy,
                            String by, String byRole, String sha256, String reason) {
    public static final String CREATED = "created", PROGRESS = "progress", COMPLETED = "completed", READ = "read",
            ABANDONED = "abandoned", DELETED = "deleted";
}
