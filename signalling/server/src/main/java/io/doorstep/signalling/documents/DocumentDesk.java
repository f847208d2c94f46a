package io.doorstep.signalling.documents;

import io.doorstep.documents.DocumentEvent;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.routing.CallListener;
import io.doorstep.signalling.routing.Dispatcher.Rejection;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import java.time.Clock;
import java.time.Duration;

/**
 * The documents of calls, on the switchboard thread: hands out document tokens when a call connects and whenever a
 * party comes back or asks, applies the relay's events, and runs print jobs. Forgets a call's documents when it ends.
 */
public final class DocumentDesk implements CallListener {
    private final DocumentAccess access;
    private final Parties parties;
    private final CallDocuments documents = new CallDocuments();
    private final DocumentEvents events;
    private final PrintJobs prints;

    public DocumentDesk(DocumentAccess access, CallStore calls, SessionDirectory sessions, CallLog callLog,
                        Duration progressInterval, Clock clock) {
        this.access = access;
        this.parties = new Parties(calls, sessions);
        DocumentAudit audit = new DocumentAudit(callLog, clock);
        this.events = new DocumentEvents(documents, parties, audit, progressInterval, clock);
        this.prints = new PrintJobs(documents, parties, audit);
    }

    /** documents.token: a fresh token for a party of a connected call. */
    public void token(Session party, ClientMessage.DocumentsToken m) throws Rejection {
        Call call = parties.connectedCallOf(party, m.callId());
        party.send(access.forParty(party, call.id(), m.id()));
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

    @Override
    public void connected(Call call) {
        parties.station(call).ifPresent(s -> s.send(access.forParty(s, call.id(), null)));
        parties.agent(call).ifPresent(s -> s.send(access.forParty(s, call.id(), null)));
    }

    @Override
    public void rejoined(Session party, Call call) {
        party.send(access.forParty(party, call.id(), null));
    }

    @Override
    public void ended(Call call) {
        documents.forget(call.id());
        prints.forget(call.id());
    }
}
