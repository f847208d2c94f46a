package io.doorstep.signalling.documents;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.documents.CallDocuments.Known;
import io.doorstep.signalling.documents.CallDocuments.PrintJob;
import io.doorstep.signalling.documents.CallDocuments.Status;
import io.doorstep.signalling.routing.Dispatcher.Rejection;
import io.doorstep.signalling.session.Session;
import java.util.Objects;

/**
 * Print jobs of connected calls: the agent asks to print a completed document of the call, the station gets the job
 * and reports its outcome once, the agent hears it, and the call log records both. A request or result sent again
 * unchanged (after a reconnect) is acknowledged without being passed on or recorded twice.
 */
final class PrintJobs {
    static final int MAX_JOBS_PER_CALL = 100;

    private final CallDocuments documents;
    private final Parties parties;
    private final DocumentAudit audit;

    PrintJobs(CallDocuments documents, Parties parties, DocumentAudit audit) {
        this.documents = documents;
        this.parties = parties;
        this.audit = audit;
    }

    void request(Session agent, Call call, ClientMessage.PrintRequest m) throws Rejection {
        PrintJob existing = documents.job(call.id(), m.jobId()).orElse(null);
        if (existing == null) {
            Known document = printable(call, m.documentId());
            if (documents.jobCount(call.id()) >= MAX_JOBS_PER_CALL) {
                throw new Rejection(ErrorCode.INVALID_STATE, "a call has at most " + MAX_JOBS_PER_CALL + " print jobs");
            }
            documents.putJob(call.id(), m.jobId(),
                    new PrintJob(m.documentId(), document.sha256(), m.copies(), null, null));
            audit.printRequested(agent, m, document.sha256());
            parties.tellStation(call, new ServerMessage.PrintJob(call.id(), m.jobId(), m.documentId(), m.copies(),
                    document.type(), document.length(), document.sha256()));
        } else if (!existing.documentId().equals(m.documentId()) || existing.copies() != m.copies()) {
            throw new Rejection(ErrorCode.INVALID_FIELD, "jobId " + m.jobId() + " is already another print job");
        }
        ok(agent, m.id());
    }

    void result(Session station, Call call, ClientMessage.PrintResult m) throws Rejection {
        PrintJob job = documents.job(call.id(), m.jobId()).orElseThrow(() -> new Rejection(
                ErrorCode.UNKNOWN_PRINT_JOB, "no print job " + m.jobId() + " in this call"));
        if (job.status() == null) {
            documents.putJob(call.id(), m.jobId(), new PrintJob(job.documentId(), job.sha256(), job.copies(),
                    m.status(), m.reason()));
            audit.printResult(station, job.documentId(), job.sha256(), m);
            parties.tellAgent(call, new ServerMessage.PrintResult(call.id(), m.jobId(), job.documentId(),
                    m.status(), m.reason()));
        } else if (job.status() != m.status() || !Objects.equals(job.reason(), m.reason())) {
            throw new Rejection(ErrorCode.INVALID_STATE, "print job " + m.jobId() + " was already reported "
                    + job.status().wireName());
        }
        ok(station, m.id());
    }

    private Known printable(Call call, String documentId) throws Rejection {
        Known document = documents.get(call.id(), documentId).orElseThrow(() -> new Rejection(
                ErrorCode.UNKNOWN_DOCUMENT, "no document " + documentId + " in this call"));
        if (document.status() != Status.COMPLETED) {
            throw new Rejection(ErrorCode.DOCUMENT_NOT_READY, "document " + documentId + " is "
                    + (document.status() == Status.UPLOADING ? "still uploading" : "abandoned"));
        }
        return document;
    }

    private static void ok(Session s, String re) {
        if (re != null) {
            s.send(new ServerMessage.Ok(re));
        }
    }
}
