package io.doorstep.signalling.documents;

import io.doorstep.documents.DocumentEvent;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.documents.CallDocuments.Known;
import io.doorstep.signalling.routing.CallListener;
import io.doorstep.signalling.routing.Dispatcher.Rejection;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The documents of calls, on the switchboard thread: hands out document tokens when a call connects, again before
 * they expire, and whenever a party comes back or asks; applies the relay's events; runs print jobs. Forgets a
 * call's documents when it ends, and tells the relay it ended.
 */
public final class DocumentDesk implements CallListener {
    private final DocumentAccess access;
    private final Parties parties;
    private final CallDocuments documents;
    private final DocumentEvents events;
    private final PrintJobs prints;
    private final CallEndNotifier callEnds;
    private final EventExecutor executor;
    private final long refreshMillis;
    private final Map<String, ScheduledFuture<?>> refreshTimers = new HashMap<>();

    public DocumentDesk(DocumentAccess access, CallDocuments documents, CallStore calls, SessionDirectory sessions,
                        CallLog callLog, Duration progressInterval, CallEndNotifier callEnds, EventExecutor executor,
                        Clock clock) {
        this.access = access;
        this.documents = documents;
        this.callEnds = callEnds;
        this.executor = executor;
        this.refreshMillis = Math.max(1, access.ttl().toMillis() * 4 / 5);
        this.parties = new Parties(calls, sessions);
        DocumentAudit audit = new DocumentAudit(callLog, clock);
        this.events = new DocumentEvents(documents, parties, audit, progressInterval, clock);
        this.prints = new PrintJobs(documents, parties, audit);
    }

    /** documents.token: a fresh token for a party of a connected call. */
    public void token(Session party, ClientMessage.DocumentsToken m) throws Rejection {
        Call call = parties.connectedCallOf(party, m.callId());
        party.send(access.forParty(party.identityId(), party.role(), call.id(), m.id()));
    }

    public void printRequest(Session agent, ClientMessage.PrintRequest m) throws Rejection {
        prints.request(agent, parties.connectedCallOf(agent, m.callId()), m);
    }

    public void printResult(Session station, ClientMessage.PrintResult m) throws Rejection {
        prints.result(station, parties.connectedCallOf(station, m.callId()), m);
    }

    /** An authenticated event from the relay. */
    public void event(DocumentEvent e) {
        events.apply(e);
    }

    /** Both parties get their tokens now, and fresh ones at four fifths of each token's lifetime. */
    @Override
    public void connected(Call call) {
        sendAccess(call.id());
        refreshTimers.put(call.id(), executor.scheduleAtFixedRate(() -> sendAccess(call.id()), refreshMillis,
                refreshMillis, TimeUnit.MILLISECONDS));
    }

    /** Fresh tokens for both parties; in a cluster the call may have ended on another node: then the timer stops. */
    private void sendAccess(String callId) {
        parties.connected(callId).ifPresentOrElse(call -> {
            parties.tellStation(call, access.forParty(call.stationId(), Role.STATION, callId, null));
            parties.tellAgent(call, access.forParty(call.agentId(), Role.AGENT, callId, null));
        }, () -> cancelRefresh(callId));
    }

    /**
     * A party back in its connected call (a new session, perhaps on another node, or a resumed one): a fresh token
     * and the call's documents as known so far, each as it stands (offered, then its progress, completion or
     * abandonment). The messages are the ones it had, sent again: a client keeps one entry per document id.
     */
    @Override
    public void rejoined(Session party, Call call) {
        party.send(access.forParty(party.identityId(), party.role(), call.id(), null));
        for (Known d : documents.all(call.id())) {
            party.send(new ServerMessage.DocumentOffered(call.id(), d.documentId(), d.filename(), d.type(), d.page(),
                    d.device(), d.uploadedBy(), d.length()));
            switch (d.status()) {
                case UPLOADING -> party.send(new ServerMessage.DocumentProgress(call.id(), d.documentId(), d.offset(),
                        d.length()));
                case COMPLETED -> party.send(new ServerMessage.DocumentCompleted(call.id(), d.documentId(), d.type(),
                        d.length(), d.sha256()));
                case ABANDONED -> party.send(new ServerMessage.DocumentAbandoned(call.id(), d.documentId(),
                        d.reason()));
            }
        }
    }

    /**
     * A call that had connected (and so could have documents): the relay's retention of them starts now. In a cluster
     * the node ending the call need not be the one that connected it (and runs its token refresh).
     */
    @Override
    public void ended(Call call) {
        cancelRefresh(call.id());
        if (call.connectedAt() > 0) {
            callEnds.ended(call.id());
        }
        documents.forget(call.id());
    }

    private void cancelRefresh(String callId) {
        ScheduledFuture<?> refresh = refreshTimers.remove(callId);
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
