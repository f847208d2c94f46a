package io.doorstep.signalling.documents;

import io.doorstep.documents.DocumentEvent;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.DocumentLogEntry;
import io.doorstep.signalling.session.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes document and print events into the call log: ids, hashes, who and why; never content or file names. */
final class DocumentAudit {
    private static final Logger log = LoggerFactory.getLogger(DocumentAudit.class);

    private final CallLog callLog;
    private final Clock clock;

    DocumentAudit(CallLog callLog, Clock clock) {
        this.callLog = callLog;
        this.clock = clock;
    }

    void document(DocumentEvent e) {
        append(DocumentLogEntry.document(clock.millis(), e.callId(), "document." + e.event(), e.documentId(), e.by(),
                e.byRole(), e.type(), e.length(), e.sha256(), e.reason()));
    }

    void printRequested(Session agent, ClientMessage.PrintRequest m, String sha256) {
        append(DocumentLogEntry.print(clock.millis(), m.callId(), "print.requested", m.documentId(), sha256,
                agent.identityId(), m.jobId(), m.copies(), null, null));
    }

    void printResult(Session station, String documentId, String sha256, ClientMessage.PrintResult m) {
        append(DocumentLogEntry.print(clock.millis(), m.callId(), "print.result", documentId, sha256,
                station.identityId(), m.jobId(), null, m.status().wireName(), m.reason()));
    }

    private void append(DocumentLogEntry entry) {
        try {
            callLog.append(entry);
        } catch (IOException e) {
            log.error("call log append failed call={} event={}", entry.callId(), entry.event(), e);
            throw new UncheckedIOException(e);
        }
    }
}
