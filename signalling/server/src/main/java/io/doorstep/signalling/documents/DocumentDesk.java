package io.doorstep.signalling.documents;

import io.doorstep.documents.DocumentEvent;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallStore;
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
    private final CallDocuments documents = new CallDocuments();
    private final DocumentEvents events;
    private final PrintJobs prints;
    private final CallEndNotifier callEnds;
    private final EventExecutor executor;
    private final long refreshMillis;
    private final Map<String, ScheduledFuture<?>> refreshTimers = new HashMap<>();

    public DocumentDesk(DocumentAccess access, CallStore calls, SessionDirectory sessions, CallLog callLog,
                        Duration progressInterval, CallEndNotifier callEnds, EventExecutor executor, Clock clock) {
        this.access = access;
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

    private void sendAccess(String callId) {
        parties.connected(callId).ifPresent(call -> {
            parties.tellStation(call, access.forParty(call.stationId(), Role.STATION, callId, null));
            parties.tellAgent(call, access.forParty(call.agentId(), Role.AGENT, callId, null));
        });
    }

    @Override
    public void rejoined(Session party, Call call) {
        party.send(access.forParty(party.identityId(), party.role(), call.id(), null));
    }

    /** A call that had connected (and so could have documents): the relay's retention of them starts now. */
    @Override
    public void ended(Call call) {
        ScheduledFuture<?> refresh = refreshTimers.remove(call.id());
        if (refresh != null) {
            refresh.cancel(false);
            callEnds.ended(call.id());
        }
        documents.forget(call.id());
        prints.forget(call.id());
    }
}
