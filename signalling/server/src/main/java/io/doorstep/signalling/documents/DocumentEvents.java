package io.doorstep.signalling.documents;

import io.doorstep.documents.DocumentEvent;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.documents.CallDocuments.Known;
import io.doorstep.signalling.documents.CallDocuments.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Applies the relay's document events: each event id once; the parties of a connected call hear of their call's
 * documents (offered, progress at most once per interval, completed, abandoned, deleted), and every event but progress
 * goes into the call log, also for calls that have ended (retention deletes documents of finished calls).
 */
final class DocumentEvents {
    private final CallDocuments documents;
    private final Parties parties;
    private final DocumentAudit audit;
    private final Duration progressInterval;
    private final Clock clock;

    DocumentEvents(CallDocuments documents, Parties parties, DocumentAudit audit, Duration progressInterval,
                   Clock clock) {
        this.documents = documents;
        this.parties = parties;
        this.audit = audit;
        this.progressInterval = progressInterval;
        this.clock = clock;
    }

    void apply(DocumentEvent e) {
        if (!documents.firstTime(e.eventId())) {
            return;
        }
        if (!e.event().equals(DocumentEvent.PROGRESS)) {
            audit.document(e);
        }
        Optional<Call> call = parties.connected(e.callId());
        if (call.isEmpty()) {
            return;
        }
        switch (e.event()) {
            case DocumentEvent.CREATED -> created(call.get(), e);
            case DocumentEvent.PROGRESS -> progress(call.get(), e);
            case DocumentEvent.COMPLETED -> completed(call.get(), e);
            case DocumentEvent.ABANDONED -> abandoned(call.get(), e);
            case DocumentEvent.DELETED -> deleted(call.get(), e);
            default -> { // read: the call log has it
            }
        }
    }

    private void created(Call call, DocumentEvent e) {
        Role uploader = Role.fromWireName(e.byRole());
        documents.put(call.id(), new Known(e.documentId(), uploader, e.filename(), e.page(), e.device(), e.length(),
                e.offset(), e.type(), null, Status.UPLOADING, null, 0));
        parties.tellBoth(call, new ServerMessage.DocumentOffered(call.id(), e.documentId(), e.filename(), e.type(),
                e.page(), e.device(), uploader, e.length()));
    }

    private void progress(Call call, DocumentEvent e) {
        documents.get(call.id(), e.documentId()).filter(d -> d.status() == Status.UPLOADING).ifPresent(d -> {
            long now = clock.millis();
            boolean due = now - d.progressSentAt() >= progressInterval.toMillis();
            documents.put(call.id(), d.withOffset(e.offset(), due ? now : d.progressSentAt()));
            if (due) {
                parties.tellBoth(call, new ServerMessage.DocumentProgress(call.id(), e.documentId(), e.offset(),
                        e.length()));
            }
        });
    }

    private void completed(Call call, DocumentEvent e) {
        Known known = documents.get(call.id(), e.documentId()).orElseGet(() -> new Known(e.documentId(),
                Role.fromWireName(e.byRole()), e.filename(), e.page(), e.device(), e.length(), e.offset(), e.type(),
                null, Status.UPLOADING, null, 0));
        documents.put(call.id(), known.completed(e.type(), e.length(), e.sha256()));
        parties.tellBoth(call, new ServerMessage.DocumentCompleted(call.id(), e.documentId(), e.type(), e.length(),
                e.sha256()));
    }

    private void abandoned(Call call, DocumentEvent e) {
        documents.get(call.id(), e.documentId()).ifPresent(d -> documents.put(call.id(), d.abandoned(e.reason())));
        parties.tellBoth(call, new ServerMessage.DocumentAbandoned(call.id(), e.documentId(), e.reason()));
    }

    private void deleted(Call call, DocumentEvent e) {
        documents.remove(call.id(), e.documentId());
        parties.tellBoth(call, new ServerMessage.DocumentDeleted(call.id(), e.documentId(), e.reason()));
    }
}
