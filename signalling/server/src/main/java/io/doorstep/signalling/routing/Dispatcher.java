package io.doorstep.signalling.routing;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.protocol.ServerMessage.CallEnded;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallEvent;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallLogEntry;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.call.CallState.IllegalTransitionException;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.directory.Directory;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.directory.ServiceItem;
import io.doorstep.signalling.directory.Station;
import io.doorstep.signalling.media.IceServerProvider;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.quality.CallQuality;
import io.doorstep.signalling.quality.QualityShare;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.doorstep.signalling.session.SessionListener;
import io.doorstep.signalling.session.SessionManager;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call path: queues calls, offers them to agents, connects, ends, and keeps stations told of their place in
 * line (through its {@link QueueUpdates}). The one owner of calls, queues and agent states: it runs only on the
 * switchboard thread, so the state machine needs no locks. Each method that handles a client message either
 * applies it completely or throws {@link Rejection} having changed nothing.
 */
public final class Dispatcher implements SessionListener {
    /** Finer causes of ended calls and withdrawn offers, as clients see them. */
    static final String CANCELLED = "CANCELLED", STATION_LOST = "STATION_LOST", AGENT_LOST = "AGENT_LOST",
            HANGUP = "HANGUP", MEDIA_FAILED = "MEDIA_FAILED", SIGNED_OUT = "SIGNED_OUT",
            RING_TIMEOUT = "RING_TIMEOUT", CONNECTION_LOST = "CONNECTION_LOST", REJECTED = "REJECTED",
            ALL_REJECTED = "ALL_REJECTED", SERVER_SHUTDOWN = "SERVER_SHUTDOWN", WRAP_UP_ENDED = "WRAP_UP_ENDED",
            CALL_ENDED = "CALL_ENDED", STATE_UNAVAILABLE = "STATE_UNAVAILABLE", STATE_LOST = "STATE_LOST";

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How soon a timer that fell due while the state was away tries again. */
    private static final Duration STATE_RETRY = Duration.ofSeconds(1);

    private final CallStore calls;
    private final CallQueue queue;
    private final AgentRegistry agents;
    private final AgentSelector selector;
    private final WaitEstimator estimator;
    private final SessionDirectory sessions;
    private final CallLog callLog;
    private final Assignments assignments;
    private final IceServerProvider iceServers;
    private final Directory directory;
    private final ServiceCatalogue catalogue;
    private final SignallingConfig config;
    private final SignallingMetrics metrics;
    private final EventExecutor executor;
    private final Clock clock;
    private final CallListener callListener;
    private final CallQuality quality;
    private final StateHealth health;
    /**
     * The connected call of each party this node has seen in one, so that SDP, ICE and device payloads between
     * parties on this node still pass while the shared state is away (docs/cluster.md §9). At most one entry per
     * identity of the directory.
     */
    private final Map<String, Call> connectedCalls = new HashMap<>();
    /** Calls whose request failed part-way while the state was away: undone when it is back. */
    private final Set<String> halfCreated = new LinkedHashSet<>();
    /** Sessions that ended while the state was away, with the cause: closed in the state when it is back. */
    private final Map<Session, String> closedWhileAway = new LinkedHashMap<>();
    private final Map<String, ScheduledFuture<?>> ringTimers = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> wrapUpTimers = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> lostPartyTimers = new HashMap<>();
    private final QueueUpdates queueUpdates;
    private boolean draining;
    private OtherNodes otherNodes = OtherNodes.NONE;

    /** A client message that cannot be applied; nothing was changed. */
    public static final class Rejection extends Exception {
        private final ErrorCode code;

        public Rejection(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    /** What the dispatcher reads and writes: in memory on a single box, in Redis in a cluster. */
    public record Stores(CallStore calls, CallQueue queue, AgentRegistry agents, SessionDirectory sessions,
                         CallLog callLog, Assignments assignments, QualityShare qualities) {
        /** The same stores with the call log replaced (e.g. tapped by the dashboard's history). */
        public Stores withCallLog(CallLog log) {
            return new Stores(calls, queue, agents, sessions, log, assignments, qualities);
        }
    }

    public Dispatcher(Stores stores, Directory directory, ServiceCatalogue catalogue, SignallingConfig config,
                      IceServerProvider iceServers, SignallingMetrics metrics, EventExecutor executor, Clock clock,
                      CallListener callListener, StateHealth health) {
        this.calls = stores.calls();
        this.queue = stores.queue();
        this.agents = stores.agents();
        this.sessions = stores.sessions();
        this.callLog = stores.callLog();
        this.assignments = stores.assignments();
        this.selector = AgentSelector.named(config.routing().agentSelector());
        this.estimator = new WaitEstimator(catalogue);
        this.iceServers = iceServers;
        this.directory = directory;
        this.catalogue = catalogue;
        this.config = config;
        this.metrics = metrics;
        this.executor = executor;
        this.clock = clock;
        this.callListener = callListener;
        this.quality = new CallQuality(metrics, clock, stores.qualities());
        this.health = health;
        this.queueUpdates = new QueueUpdates(stores, estimator, this::itemInfo, metrics, executor, health,
                this::findWorkHere);
        iceServers.onRelayMoved(this::relayMoved);
    }

    /** The cluster's other nodes, told of queue changes and handed ring timeouts of calls they own. */
    public void otherNodes(OtherNodes nodes) {
        this.otherNodes = nodes;
        queueUpdates.otherNodes(nodes);
    }

    // ---------------------------------------------------------------- station requests

    /** Station: a new call for a service item. */
    public void request(Session station, ClientMessage.CallRequest m) throws Rejection {
        if (draining) {
            throw new Rejection(ErrorCode.SERVER_DRAINING, "the server is shutting down and takes no new calls");
        }
        if (!health.up()) { // don't even try: the station hears at once, and nothing is half-written
            throw unavailable();
        }
        ServiceItem item = catalogue.item(m.serviceItem()).orElseThrow(() -> new Rejection(
                ErrorCode.UNKNOWN_SERVICE_ITEM, "no service item '" + m.serviceItem() + "' in the catalogue"));
        undoHalfCreated();
        if (calls.activeCallOf(station.identityId()).isPresent()) {
            throw new Rejection(ErrorCode.ALREADY_IN_CALL, "this station already has a call queued or in progress");
        }
        long now = clock.millis();
        Call call = Call.queued(newCallId(), station.identityId(), item.code(), item.skillGroup(), m.priority(), now);
        try {
            calls.put(call);
            queue.enqueue(call.id(), call.skillGroup(), call.priority(), now);
            record(call, "queued");
            queueUpdates.sendNow(station, call, m.id());
        } catch (RuntimeException e) {
            if (!health.unreachable(e)) {
                throw e;
            }
            halfCreated.add(call.id()); // the station is told it failed: what reached Redis goes when it is back
            log.warn("call request failed part-way call={} station={}: undone when the state is back", call.id(),
                    call.stationId());
            throw unavailable();
        }
        log.info("call queued call={} station={} item={} group={} priority={}", call.id(), call.stationId(),
                call.serviceItem(), call.skillGroup(), call.priority());
        try {
            dispatchCall(call);
        } catch (RuntimeException e) { // queued and answered: an agent that frees up will take it
            if (!health.unreachable(e)) {
                throw e;
            }
            log.info("call offer deferred call={}: the state is unavailable", call.id());
        }
        queueUpdates.queueChanged(call.skillGroup());
    }

    private static Rejection unavailable() {
        return new Rejection(ErrorCode.STATE_UNAVAILABLE, StateHealth.UNAVAILABLE);
    }

    /** Station: cancel before an answer. */
    public void cancel(Session station, ClientMessage.CallCancel m) throws Rejection {
        Call call = partyCall(station, m.callId());
        if (call.state() == CallState.CONNECTED) {
            throw new Rejection(ErrorCode.INVALID_STATE, "the call is connected: hang up instead of cancelling");
        }
        end(call, CallEvent.CANCEL, CANCELLED, Role.STATION, m.id());
    }

    // ---------------------------------------------------------------- agent requests

    /** Agent: accept the call offered to it. */
    public void accept(Session agent, ClientMessage.CallAccept m) throws Rejection {
        Call call = offeredTo(agent, m.callId());
        long now = clock.millis();
        Call connected = transition(() -> call.accept(now));
        cancel(ringTimers, call.id());
        queue.remove(call.id());
        queueUpdates.leftQueue(call.id());
        calls.put(connected);
        setAgentState(agent.identityId(), call.id(), AgentState.BUSY, call.id(), null);
        record(connected, "connected");
        metrics.answered(call.skillGroup(), now - call.queuedAt(), now - call.offeredAt());
        log.info("call connected call={} station={} agent={} wait_ms={} answer_ms={}", call.id(), call.stationId(),
                agent.identityId(), now - call.queuedAt(), now - call.offeredAt());
        remember(connected);
        agent.send(connectedMessage(connected, Role.AGENT, m.id()));
        sessions.deliver(call.stationId(), connectedMessage(connected, Role.STATION, null));
        // the station's connection is down (here): the agent waits for it, as after a drop
        sessions.byIdentity(call.stationId()).filter(s -> !s.online()).ifPresent(s ->
                agent.send(new ServerMessage.PeerReconnecting(call.id(), s.graceLeftMillis())));
        callListener.connected(connected);
        queueUpdates.queueChanged(call.skillGroup());
    }

    /** Agent: reject the call offered to it; the next agent gets it. */
    public void reject(Session agent, ClientMessage.CallReject m) throws Rejection {
        Call call = offeredTo(agent, m.callId());
        if (m.id() != null) {
            agent.send(new ServerMessage.Ok(m.id()));
        }
        unanswered(call, CallEvent.REJECT, AgentState.AVAILABLE, REJECTED);
    }

    /** Agent: available (also ends wrap-up) or away. */
    public void setState(Session agent, ClientMessage.SetAgentState m) throws Rejection {
        AgentStatus status = agentStatus(agent.identityId());
        if ((status.state() == AgentState.OFFERED || status.state() == AgentState.BUSY) && heldByItsCall(status)) {
            throw new Rejection(ErrorCode.INVALID_STATE, "an agent that is " + wire(status.state())
                    + " cannot become " + wire(m.state()) + (status.state() == AgentState.OFFERED
                    ? ": accept or reject the offer first" : ": hang up first"));
        }
        cancel(wrapUpTimers, agent.identityId());
        if (!setAgentState(status, m.state(), null, m.id(), null)) {
            throw new Rejection(ErrorCode.INVALID_STATE, "a call was offered to you meanwhile: accept or reject it");
        }
        if (m.state() == AgentState.AVAILABLE) {
            dispatchAgent(agent.identityId());
        }
    }

    /**
     * Whether an offered or busy agent's call still holds it. Not if the call is gone or is another agent's: a step
     * cut short by a Redis outage left the agent's state behind (docs/cluster.md §9), and the agent may move on.
     */
    private boolean heldByItsCall(AgentStatus agent) {
        return agent.callId() != null && calls.get(agent.callId())
                .filter(c -> agent.agentId().equals(c.currentAgent())).isPresent();
    }

    // ---------------------------------------------------------------- either party

    /** Either party ends the call. A station hanging up a call not yet answered cancels it. */
    public void hangup(Session party, ClientMessage.CallHangup m) throws Rejection {
        Call call = partyCall(party, m.callId());
        if (call.state() != CallState.CONNECTED) {
            if (party.role() == Role.STATION) {
                end(call, CallEvent.CANCEL, CANCELLED, Role.STATION, m.id());
                return;
            }
            throw new Rejection(ErrorCode.INVALID_STATE, "the call is not connected: reject the offer instead");
        }
        boolean failed = ClientMessage.CallHangup.MEDIA_FAILED.equals(m.reason());
        end(call, failed ? CallEvent.FAIL : CallEvent.HANGUP, failed ? MEDIA_FAILED : HANGUP, party.role(), m.id());
    }

    /** Passes a message of a connected call (SDP, ICE, device payloads) to the other party. */
    public void relay(Session from, ClientMessage.InCall m, ServerMessage toPeer) throws Rejection {
        Call call = connectedCall(from, m.callId());
        sessions.deliver(peerOf(from, call), toPeer);
        if (m.id() != null) {
            from.send(new ServerMessage.Ok(m.id()));
        }
    }

    /** A party's report of its connected call's media quality: into the operators' metrics, never to the peer. */
    public void callStats(Session from, ClientMessage.CallStats m) throws Rejection {
        connectedCall(from, m.callId());
        quality.report(from.role(), m);
        if (m.id() != null) {
            from.send(new ServerMessage.Ok(m.id()));
        }
    }

    // ---------------------------------------------------------------- sessions

    @Override
    public void onSignedIn(Session session, boolean tookOver) {
        if (session.role() == Role.AGENT) {
            AgentStatus status = agents.setOnline(session.identityId(), true).orElseGet(() -> {
                AgentStatus fresh = newAgent(session.identityId());
                agents.put(fresh);
                return fresh;
            });
            session.send(new ServerMessage.AgentStateChanged(null, status.state(), null, wrapUpEnd(status)));
            if (status.state() == AgentState.AVAILABLE) {
                dispatchAgent(session.identityId());
            }
            queueUpdates.agentGroupsChanged(status);
        }
        calls.activeCallOf(session.identityId()).ifPresent(call -> {
            resendCallState(session, call);
            if (call.state() == CallState.CONNECTED) { // a new connection needs new media: tell the peer
                sessions.deliver(peerOf(session, call), new ServerMessage.PeerReconnected(call.id()));
                callListener.rejoined(session, call);
            }
        });
        queueUpdates.countsChanged();
    }

    /** The identity of the other party of the session's call. */
    private static String peerOf(Session session, Call call) {
        return peerOf(session.role(), call);
    }

    private static String peerOf(Role role, Call call) {
        return role == Role.STATION ? call.agentId() : call.stationId();
    }

    @Override
    public void onDetached(Session session) {
        if (!health.up()) { // the agent's record stays as it is; the peer here still hears
            tellPeerHere(session, callId -> new ServerMessage.PeerReconnecting(callId,
                    config.session().resumeGrace().toMillis()));
            return;
        }
        partyDetached(session.identityId(), session.role());
    }

    /** A party's connection is gone, and it may come back within the resume grace. */
    private void partyDetached(String identityId, Role role) {
        calls.activeCallOf(identityId).ifPresent(call -> {
            if (call.state() == CallState.CONNECTED) {
                sessions.deliver(peerOf(role, call), new ServerMessage.PeerReconnecting(call.id(),
                        config.session().resumeGrace().toMillis()));
            }
        });
        if (role == Role.AGENT) {
            agents.setOnline(identityId, false).ifPresent(a -> {
                if (a.state() == AgentState.OFFERED) {
                    calls.get(a.callId()).ifPresent(call ->
                            unanswered(call, CallEvent.OFFER_LOST, AgentState.AVAILABLE, CONNECTION_LOST));
                }
                queueUpdates.agentGroupsChanged(a);
            });
        }
    }

    @Override
    public void onResumed(Session session) {
        if (!health.up()) { // a resume needs no Redis: the session is here, and so may be its peer
            tellPeerHere(session, ServerMessage.PeerReconnected::new);
            return;
        }
        calls.activeCallOf(session.identityId()).ifPresent(call -> {
            if (call.state() == CallState.CONNECTED) {
                sessions.deliver(peerOf(session, call), new ServerMessage.PeerReconnected(call.id()));
                callListener.rejoined(session, call);
            }
        });
        if (session.role() == Role.AGENT) {
            agents.setOnline(session.identityId(), true).ifPresent(a -> {
                dispatchAgent(a.agentId());
                queueUpdates.agentGroupsChanged(a);
            });
        }
    }

    @Override
    public void onClosed(Session session, String cause) {
        if (!health.up()) { // its call ends, and its agent goes, when the state is back
            closedWhileAway.put(session, cause);
            return;
        }
        if (signedInAgain(session)) {
            log.info("session over after its identity signed in again: nothing ends session={} identity={} cause={}",
                    session.id(), session.identityId(), cause);
            return;
        }
        connectedCalls.remove(session.identityId());
        partyGone(session.identityId(), session.role(), cause);
        queueUpdates.countsChanged();
    }

    /**
     * The identity has a newer session (cluster: a fresh sign-in on another node overtook this close on its way to
     * the call's owner): the close is stale, and the call and the agent now belong to that session.
     */
    private boolean signedInAgain(Session closed) {
        return sessions.locate(closed.identityId()).filter(l -> !l.sessionId().equals(closed.id())).isPresent();
    }

    @Override
    public void onAppliedElsewhere(Session session) {
        queueUpdates.countsChanged(); // this node's session gauges
    }

    /** A party's session ended for good: its call ends (or its offer goes to the next agent); an agent leaves. */
    private void partyGone(String identityId, Role role, String cause) {
        boolean lost = !SIGNED_OUT.equals(cause);
        calls.activeCallOf(identityId).ifPresent(call -> {
            if (role == Role.STATION) {
                if (call.state() == CallState.CONNECTED) {
                    end(call, lost ? CallEvent.FAIL : CallEvent.HANGUP, lost ? STATION_LOST : SIGNED_OUT,
                            lost ? null : Role.STATION, null);
                } else {
                    end(call, CallEvent.ABANDON, lost ? STATION_LOST : SIGNED_OUT, lost ? null : Role.STATION, null);
                }
            } else if (call.state() == CallState.CONNECTED) {
                end(call, lost ? CallEvent.FAIL : CallEvent.HANGUP, lost ? AGENT_LOST : SIGNED_OUT,
                        lost ? null : Role.AGENT, null);
            } else {
                unanswered(call, CallEvent.OFFER_LOST, AgentState.AWAY, lost ? CONNECTION_LOST : SIGNED_OUT);
            }
        });
        if (role == Role.AGENT) {
            cancel(wrapUpTimers, identityId);
            agents.get(identityId).ifPresent(a -> {
                agents.remove(a.agentId());
                queueUpdates.agentGroupsChanged(a);
            });
            queueUpdates.countsChanged();
        }
    }

    /** While the state is away: tells the peer of the session's connected call, if this node knows both. */
    private void tellPeerHere(Session session, Function<String, ServerMessage> message) {
        Call known = connectedCalls.get(session.identityId());
        if (known != null) {
            sessions.byIdentity(peerOf(session, known)).ifPresent(peer -> peer.send(message.apply(known.id())));
        }
    }

    // ---------------------------------------------------------------- the shared state's return

    /**
     * The shared state answers again after an outage (called on the switchboard thread): requests that failed
     * part-way are undone, what Redis lost of this node's agents and connected calls (a Redis restarted without its
     * data) is written back from memory, and positions and gauges are brought up to date. If the state goes away
     * again meanwhile, the next return does the rest.
     */
    public void stateReturned() {
        try {
            undoHalfCreated();
            restoreAgents();
            closeWhatClosedWhileAway();
        } catch (RuntimeException e) {
            if (!health.unreachable(e)) {
                throw e;
            }
            return;
        }
        queueUpdates.countsChanged(); // and the queues that a refresh left stale meanwhile are brought up to date too
    }

    /**
     * Sessions that ended during the outage: their calls end now, as they would have then (the peer is told), unless
     * the identity has signed in again meanwhile (on another node: its new session carries the call on).
     */
    private void closeWhatClosedWhileAway() {
        for (Map.Entry<Session, String> closed : List.copyOf(closedWhileAway.entrySet())) {
            if (sessions.locate(closed.getKey().identityId()).isEmpty()) {
                onClosed(closed.getKey(), closed.getValue());
            }
            closedWhileAway.remove(closed.getKey());
        }
    }

    /** A station told STATE_UNAVAILABLE has no call: whatever of it reached Redis goes. */
    private void undoHalfCreated() {
        for (String callId : List.copyOf(halfCreated)) {
            calls.get(callId).filter(c -> c.state() != CallState.CONNECTED).ifPresentOrElse(this::undo,
                    () -> queue.remove(callId));
            halfCreated.remove(callId);
            log.info("half-created call undone call={}", callId);
        }
    }

    /**
     * Ends a half-created call with cause STATE_UNAVAILABLE, in the log too. Quietly for the station, which was told
     * its request failed; if another node offered the call meanwhile, its agent hears as after any end.
     */
    private void undo(Call call) {
        if (call.state() != CallState.QUEUED) {
            end(call, CallEvent.ABANDON, STATE_UNAVAILABLE, null, null);
            return;
        }
        queue.remove(call.id());
        calls.remove(call.id());
        record(transitionUnchecked(() -> call.end(CallEvent.ABANDON, STATE_UNAVAILABLE, clock.millis())), "ended");
    }

    /**
     * Agents signed in here whom Redis no longer knows (it came back without its data) are written back: busy in the
     * connected call this node knows of (written back too), otherwise away, and told so.
     */
    private void restoreAgents() {
        for (Session session : List.copyOf(sessions.all())) {
            if (session.role() != Role.AGENT || agents.get(session.identityId()).isPresent()) {
                continue;
            }
            Call call = connectedCalls.get(session.identityId());
            AgentStatus status = newAgent(session.identityId());
            if (call != null && calls.get(call.id()).isEmpty()) {
                calls.put(call);
                status = status.withState(AgentState.BUSY, call.id(), clock.millis());
            }
            agents.put(status);
            session.send(new ServerMessage.AgentStateChanged(null, status.state(), STATE_LOST, null));
            queueUpdates.agentGroupsChanged(status);
            log.warn("agent restored after the state was lost agent={} state={} call={}", status.agentId(),
                    status.state(), status.callId());
        }
    }

    // ---------------------------------------------------------------- drain

    /** Stop taking calls; the calls in progress go on. */
    public void startDraining() {
        draining = true;
    }

    /**
     * Ends every live call with a party on this node (the drain deadline passed). In a cluster, a call this node
     * owns whose parties are all on other nodes goes on: the node that reclaims it when this one leaves carries it
     * (docs/cluster.md §7).
     */
    public void failAllCalls(String cause) {
        Map<String, Call> here = new LinkedHashMap<>();
        sessions.all().forEach(s -> calls.activeCallOf(s.identityId()).ifPresent(c -> here.putIfAbsent(c.id(), c)));
        here.values().forEach(call -> end(call, CallEvent.FAIL, cause, null, null));
    }

    public boolean draining() {
        return draining;
    }

    /** The parties' latest media quality of connected calls, for the dashboard; a call without a report is absent. */
    public Map<String, Dashboard.Quality> quality(List<String> callIds) {
        return quality.latest(callIds);
    }

    /** Whether a live call has a party on this node: what a drain waits for. */
    public boolean hasCalls() {
        return sessions.all().stream().anyMatch(s -> hasActiveCall(s.identityId()));
    }

    public boolean hasActiveCall(String identityId) {
        return calls.activeCallOf(identityId).isPresent();
    }

    // ---------------------------------------------------------------- a dead node's calls (cluster)

    /**
     * This node reclaimed a dead node (docs/cluster.md §7): {@code callIds} were its calls, {@code identities} the
     * parties whose sessions it held. A party of these that is connected nowhere now is handled as if its connection
     * had just dropped here, and if it is back nowhere when the resume grace ends, as if its session's grace had
     * expired. Queued calls are offered at once; a ringing call is timed here, since its ring timer may have died.
     */
    public void reclaimed(String deadNode, List<String> callIds, List<String> identities) {
        Set<String> parties = new LinkedHashSet<>(identities);
        calls.getAll(callIds).values().forEach(call -> {
            parties.add(call.stationId());
            if (call.currentAgent() != null) {
                parties.add(call.currentAgent());
            }
        });
        List<String> lost = parties.stream().filter(p -> sessions.locate(p).isEmpty()).toList();
        lost.forEach(this::partyLost);
        calls.getAll(callIds).values().forEach(this::carryOn);
        log.info("node reclaimed node={} calls={} parties_away={}", deadNode, callIds.size(), lost.size());
    }

    /** A party whose session died with its node: away until it signs in again (anywhere) or the grace ends. */
    private void partyLost(String identityId) {
        Role role = directory.roleOf(identityId).orElse(Role.OPERATOR);
        if (role == Role.OPERATOR) {
            return;
        }
        partyDetached(identityId, role);
        agents.get(identityId).filter(a -> a.state() == AgentState.WRAP_UP).ifPresent(a ->
                endWrapUpIn(identityId, a.stateSince(), Math.max(0, wrapUpEnd(a) - clock.millis())));
        long grace = config.session().resumeGrace().toMillis();
        cancel(lostPartyTimers, identityId);
        lostPartyTimers.put(identityId, executor.schedule(() -> {
            lostPartyTimers.remove(identityId);
            if (sessions.locate(identityId).isEmpty()) {
                log.info("party not back after its node died identity={} cause={}", identityId,
                        SessionManager.GRACE_EXPIRED);
                partyGone(identityId, role, SessionManager.GRACE_EXPIRED);
            }
        }, grace, TimeUnit.MILLISECONDS));
    }

    /** A reclaimed call goes on here: a queued one is offered now, a ringing one rings out under this node's timer. */
    private void carryOn(Call call) {
        if (call.state() == CallState.QUEUED) {
            dispatchCall(call);
            queueUpdates.queueChanged(call.skillGroup());
        } else if (call.state() == CallState.OFFERED && !ringTimers.containsKey(call.id())) {
            ringFor(call.id(), call.offeredTo(), call.offeredAt(),
                    Math.max(0, call.offeredAt() + config.routing().ringTimeout().toMillis() - clock.millis()));
        }
    }

    /**
     * This node was taken for dead: other nodes own its calls now. It takes no more calls and drops its timers, so
     * that nothing here changes those calls again.
     */
    public void standDown() {
        draining = true;
        for (Map<String, ScheduledFuture<?>> timers : List.of(ringTimers, wrapUpTimers, lostPartyTimers)) {
            List.copyOf(timers.keySet()).forEach(key -> cancel(timers, key));
        }
    }

    // ---------------------------------------------------------------- routing core

    /**
     * Offers a queued call to the best eligible agent, if one is free. An agent another node took first is passed
     * over for the next; a call another node took first is done with.
     */
    private void dispatchCall(Call call) {
        if (call.state() != CallState.QUEUED) {
            return;
        }
        Set<String> taken = new java.util.HashSet<>();
        Optional<AgentStatus> agent;
        do {
            agent = selector.select(call.skillGroup(), agents,
                    a -> !call.rejectedBy().contains(a.agentId()) && !taken.contains(a.agentId()));
        } while (agent.isPresent() && offer(call, agent.get()) == Assignments.Claim.AGENT_TAKEN
                && taken.add(agent.get().agentId()));
    }

    /**
     * Gives a newly free agent the longest-waiting call (priority first) among its skill groups; a call another node
     * took first is passed over for the next.
     */
    private void dispatchAgent(String agentId) {
        AgentStatus agent = agents.get(agentId).orElse(null);
        if (agent == null || !agent.routable()) {
            return;
        }
        List<QueueEntry> waiting = agent.skillGroups().stream()
                .flatMap(g -> queue.entries(g).stream())
                .sorted()
                .toList();
        Map<String, Call> live = calls.getAll(QueueEntry.callIds(waiting));
        waiting.stream()
                .map(e -> live.get(e.callId()))
                .filter(c -> c != null && c.state() == CallState.QUEUED && !c.rejectedBy().contains(agentId))
                .map(call -> offer(call, agent))
                .filter(claim -> claim != Assignments.Claim.CALL_TAKEN)
                .findFirst();
    }

    private Assignments.Claim offer(Call call, AgentStatus agent) {
        long now = clock.millis();
        Call offered = transitionUnchecked(() -> call.offer(agent.agentId(), now));
        AgentStatus ringing = agent.withState(AgentState.OFFERED, call.id(), now);
        Assignments.Claim claim = assignments.claim(offered, ringing);
        if (claim != Assignments.Claim.CLAIMED) { // only in a cluster: another node took the call or the agent
            log.info("offer not made call={} agent={} claim={}", call.id(), agent.agentId(), claim);
            return claim;
        }
        agentStateChanged(agent, ringing, null, null);
        record(offered, "offered");
        ringFor(call.id(), agent.agentId(), now, config.routing().ringTimeout().toMillis());
        Station station = directory.station(call.stationId()).orElseThrow();
        sessions.deliver(agent.agentId(), new ServerMessage.CallOffer(call.id(),
                new ServerMessage.StationInfo(station.id(), station.name(), station.town(), station.village()),
                itemInfo(call.serviceItem()), call.priority(), now - call.queuedAt(),
                config.routing().ringTimeout().toMillis()));
        log.info("call offered call={} agent={} attempt={}", call.id(), agent.agentId(), offered.offers());
        queueUpdates.queueChanged(call.skillGroup());
        return claim;
    }

    /** The offer of the call made to the agent at {@code offeredAt} is withdrawn if unanswered in {@code millis}. */
    private void ringFor(String callId, String agentId, long offeredAt, long millis) {
        ringTimers.put(callId, executor.schedule(() -> rangOut(callId, agentId, offeredAt), millis,
                TimeUnit.MILLISECONDS));
    }

    /** This node's ring timer of an offer fell due: its owner applies it (a timer due during an outage waits). */
    private void rangOut(String callId, String agentId, long offeredAt) {
        if (!health.up()) {
            ringTimers.put(callId, whenStateIsBack(() -> rangOut(callId, agentId, offeredAt)));
            return;
        }
        ringTimers.remove(callId);
        if (!otherNodes.ringTimeout(callId, agentId, offeredAt)) {
            ringTimeout(callId, agentId, offeredAt);
        }
    }

    /**
     * The offer of {@code callId} made to {@code agentId} at {@code offeredAt} rang out: applied by the call's owner,
     * whichever node's timer it was; a timer that outlived its offer (answered, ended, or offered again) does nothing.
     */
    public void ringTimeout(String callId, String agentId, long offeredAt) {
        calls.get(callId).filter(c -> c.state() == CallState.OFFERED && agentId.equals(c.offeredTo())
                        && c.offeredAt() == offeredAt)
                .ifPresent(call -> unanswered(call, CallEvent.RING_TIMEOUT, AgentState.AWAY, RING_TIMEOUT));
    }

    /**
     * An offer ended without an answer: the call goes back to the head of its queue (it never left it) and on to the
     * next agent; the agent goes to {@code agentState}.
     */
    private void unanswered(Call call, CallEvent event, AgentState agentState, String cause) {
        String agentId = call.offeredTo();
        cancel(ringTimers, call.id());
        Call requeued = transitionUnchecked(() -> call.unanswered(event));
        calls.put(requeued);
        record(requeued, event.wireName(), agentId);
        metrics.offerDeclined(event.wireName());
        log.info("offer unanswered call={} agent={} cause={}", call.id(), agentId, cause);
        if (event != CallEvent.REJECT) { // a rejecting agent knows; the others learn the offer is gone
            sessions.deliver(agentId, new ServerMessage.OfferWithdrawn(call.id(), cause));
        }
        setAgentState(agentId, call.id(), agentState, null, cause);
        if (event == CallEvent.REJECT && rejectedByAll(requeued)) {
            end(requeued, CallEvent.ALL_REJECTED, ALL_REJECTED, null, null);
            return;
        }
        dispatchCall(requeued);
        dispatchAgent(agentId);
        queueUpdates.queueChanged(call.skillGroup());
    }

    private boolean rejectedByAll(Call call) {
        return agents.all().stream()
                .filter(a -> a.skillGroups().contains(call.skillGroup()))
                .allMatch(a -> call.rejectedBy().contains(a.agentId()));
    }

    /** Ends a call for the reason of {@code event} and tells both parties. */
    private void end(Call read, CallEvent event, String cause, Role by, String re) {
        Call call = settled(read);
        long now = clock.millis();
        Call ended;
        try {
            ended = call.end(event, cause, now);
        } catch (IllegalTransitionException e) {
            // ALL_REJECTED, as an agent who just signed in on another node took it: it rings there, and goes on
            // waiting (behind the calls of its class) if that agent does not answer
            log.info("call end overtaken call={} event={} state={}", call.id(), event.wireName(), wire(call.state()));
            queue.enqueue(call.id(), call.skillGroup(), call.priority(), call.queuedAt());
            return;
        }
        forget(call);
        cancel(ringTimers, call.id());
        queue.remove(call.id());
        queueUpdates.leftQueue(call.id());
        calls.remove(call.id());
        iceServers.release(call.id());
        record(ended, "ended");
        long talkMs = call.state() == CallState.CONNECTED ? now - call.connectedAt() : -1;
        metrics.ended(call.skillGroup(), ended.endReason(), talkMs);
        log.info("call ended call={} reason={} cause={} by={}", call.id(), wire(ended.endReason()), cause,
                by == null ? "server" : by.wireName());
        CallEnded message = new CallEnded(null, call.id(), ended.endReason(), cause, by);
        sessions.deliver(call.stationId(), by == Role.STATION ? withRe(message, re) : message);
        String agentId = call.currentAgent();
        if (agentId != null) {
            afterCallForAgent(call, agentId, by == Role.AGENT ? withRe(message, re) : message, cause, talkMs);
        }
        callListener.ended(ended);
        queueUpdates.queueChanged(call.skillGroup());
    }

    /**
     * The call as it is once no other node can claim it. A queued call is taken out of its queue first (a claim needs
     * the queue entry, claim.lua), then read again in case a claim came first: ending it then withdraws that offer.
     */
    private Call settled(Call call) {
        if (call.state() != CallState.QUEUED || !queue.remove(call.id())) {
            return call;
        }
        return calls.get(call.id()).orElse(call);
    }

    private void afterCallForAgent(Call call, String agentId, CallEnded message, String cause, long talkMs) {
        if (call.state() != CallState.CONNECTED) {
            sessions.deliver(agentId, new ServerMessage.OfferWithdrawn(call.id(), cause));
            setAgentState(agentId, call.id(), AgentState.AVAILABLE, null, cause);
            dispatchAgent(agentId);
            return;
        }
        sessions.deliver(agentId, message);
        long wrapUp = config.routing().wrapUp().toMillis();
        estimator.recordHandling(call.skillGroup(), (talkMs + wrapUp) / 1000.0);
        if (agents.get(agentId).isEmpty()) {
            return;
        }
        if (wrapUp == 0) {
            setAgentState(agentId, call.id(), AgentState.AVAILABLE, null, CALL_ENDED);
            dispatchAgent(agentId);
            return;
        }
        setAgentState(agentId, call.id(), AgentState.WRAP_UP, null, CALL_ENDED);
        endWrapUpIn(agentId, clock.millis(), wrapUp);
    }

    /** The agent's wrap-up that began at {@code began} ends in {@code millis}, if it is still in that one then. */
    private void endWrapUpIn(String agentId, long began, long millis) {
        cancel(wrapUpTimers, agentId);
        wrapUpTimers.put(agentId, executor.schedule(() -> wrapUpEnds(agentId, began), millis, TimeUnit.MILLISECONDS));
    }

    private void wrapUpEnds(String agentId, long began) {
        if (!health.up()) {
            wrapUpTimers.put(agentId, whenStateIsBack(() -> wrapUpEnds(agentId, began)));
            return;
        }
        wrapUpTimers.remove(agentId);
        agents.get(agentId).filter(a -> a.state() == AgentState.WRAP_UP
                && a.stateSince() <= began).ifPresent(a -> { // not a later wrap-up (another node's call)
            if (setAgentState(a, AgentState.AVAILABLE, null, null, WRAP_UP_ENDED)) {
                dispatchAgent(agentId);
            }
        });
    }

    /** A timer that fell due while the state was away tries again shortly: it decides on what the state says. */
    private ScheduledFuture<?> whenStateIsBack(Runnable timer) {
        return executor.schedule(timer, STATE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- queue changes on other nodes (cluster)

    /**
     * Another node changed a skill group's queue: this node's stations in it are told their new places, and its
     * available agents look for work there, at the next turn (once per group however many notes came).
     */
    public void queueChangedElsewhere(String skillGroup) {
        queueUpdates.changedElsewhere(skillGroup);
    }

    /**
     * This node's routable agents of the group look for a call: one may have been queued on another node. Only while
     * a call of the group waits: most changes heard are offers and answers, and reading every available agent of the
     * group for each (in Redis a read per agent) was most of a call's cost to Redis.
     */
    private void findWorkHere(String skillGroup) {
        List<QueueEntry> entries = queue.entries(skillGroup);
        if (entries.isEmpty() || calls.getAll(QueueEntry.callIds(entries)).values().stream()
                .noneMatch(c -> c.state() == CallState.QUEUED)) {
            return;
        }
        agents.available(skillGroup).stream().map(AgentStatus::agentId)
                .filter(id -> sessions.byIdentity(id).isPresent())
                .forEach(this::dispatchAgent);
    }

    // ---------------------------------------------------------------- helpers

    private void resendCallState(Session session, Call call) {
        switch (call.state()) {
            case QUEUED, OFFERED -> {
                if (session.role() == Role.STATION) {
                    queueUpdates.sendNow(session, call, null);
                } else {
                    Station station = directory.station(call.stationId()).orElseThrow();
                    session.send(new ServerMessage.CallOffer(call.id(), new ServerMessage.StationInfo(station.id(),
                            station.name(), station.town(), station.village()), itemInfo(call.serviceItem()),
                            call.priority(), clock.millis() - call.queuedAt(),
                            Math.max(0, call.offeredAt() + config.routing().ringTimeout().toMillis()
                                    - clock.millis())));
                }
            }
            case CONNECTED -> {
                remember(call);
                session.send(connectedMessage(call, session.role(), null));
            }
            default -> {
            }
        }
    }

    private ServerMessage.CallConnected connectedMessage(Call call, Role role, String re) {
        String peerId = role == Role.STATION ? call.agentId() : call.stationId();
        Role peerRole = role == Role.STATION ? Role.AGENT : Role.STATION;
        String policy = role == Role.STATION ? config.media().stationIceTransportPolicy()
                : config.media().agentIceTransportPolicy();
        return new ServerMessage.CallConnected(re, call.id(),
                new ServerMessage.Peer(peerId, directory.nameOf(peerId), peerRole), itemInfo(call.serviceItem()),
                role == Role.STATION, iceServers.forCall(call.id(), role, townOf(call)), policy);
    }

    private String townOf(Call call) {
        return directory.station(call.stationId()).map(Station::town).orElse("");
    }

    /** The call's relay is gone and it was given another: both parties get its ICE servers and restart ICE. */
    private void relayMoved(String callId) {
        calls.get(callId).filter(c -> c.state() == CallState.CONNECTED).ifPresent(call -> {
            for (Role role : List.of(Role.STATION, Role.AGENT)) {
                String party = role == Role.STATION ? call.stationId() : call.agentId();
                sessions.deliver(party, new ServerMessage.CallRelayMoved(callId,
                        iceServers.forCall(callId, role, townOf(call))));
            }
        });
    }

    private ServerMessage.ServiceItemInfo itemInfo(String code) {
        return catalogue.item(code).orElseThrow().info();
    }

    /** Moves the agent on from the call {@code fromCall}, if that is still its call (see below). */
    private void setAgentState(String agentId, String fromCall, AgentState state, String callId, String cause) {
        agents.get(agentId).filter(a -> fromCall.equals(a.callId()))
                .ifPresent(status -> setAgentState(status, state, callId, null, cause));
    }

    /**
     * Moves the agent on from {@code status}, if it is still in it: in a cluster its own node or another node's claim
     * may have changed it since it was read, and that newer state is kept. False if it had changed.
     */
    private boolean setAgentState(AgentStatus status, AgentState state, String callId, String re, String cause) {
        AgentStatus next = status.withState(state, callId, clock.millis());
        if (!agents.replace(status, next)) {
            log.info("agent state overtaken agent={} was={} not_set={}", status.agentId(), wire(status.state()),
                    wire(state));
            return false;
        }
        agentStateChanged(status, next, re, cause);
        return true;
    }

    /** Tells the agent of its new state (if it changed, or it asked) and marks what depends on it as stale. */
    private void agentStateChanged(AgentStatus status, AgentStatus next, String re, String cause) {
        AgentState state = next.state();
        if (status.state() != state || re != null) {
            sessions.deliver(next.agentId(), new ServerMessage.AgentStateChanged(re, state, cause, wrapUpEnd(next)));
        }
        queueUpdates.countsChanged();
        if (status.state() == AgentState.AWAY || state == AgentState.AWAY) {
            queueUpdates.agentGroupsChanged(next);
        }
    }

    private Long wrapUpEnd(AgentStatus status) {
        return status.state() == AgentState.WRAP_UP
                ? status.stateSince() + config.routing().wrapUp().toMillis() : null;
    }

    private AgentStatus newAgent(String agentId) {
        long now = clock.millis();
        return new AgentStatus(agentId, directory.agent(agentId).orElseThrow().skillGroups(), AgentState.AWAY, now,
                now, null, true);
    }

    private AgentStatus agentStatus(String agentId) throws Rejection {
        return agents.get(agentId).orElseThrow(() -> new Rejection(ErrorCode.INTERNAL, "agent is not registered"));
    }

    /**
     * The session's connected call {@code callId}: read from the state while it is up (and remembered here), taken
     * from what this node remembers while it is away, so that parties on this node keep talking through an outage.
     */
    private Call connectedCall(Session session, String callId) throws Rejection {
        if (!health.up()) {
            Call known = connectedCalls.get(session.identityId());
            if (known == null || !known.id().equals(callId)) {
                throw unavailable();
            }
            return known;
        }
        Call call = partyCall(session, callId);
        if (call.state() != CallState.CONNECTED) {
            throw new Rejection(ErrorCode.INVALID_STATE, "the call is not connected yet");
        }
        remember(call);
        return call;
    }

    private void remember(Call connected) {
        connectedCalls.put(connected.stationId(), connected);
        connectedCalls.put(connected.agentId(), connected);
    }

    private void forget(Call call) {
        for (String party : new String[] {call.stationId(), call.currentAgent()}) {
            if (party != null) {
                connectedCalls.computeIfPresent(party, (p, known) -> known.id().equals(call.id()) ? null : known);
            }
        }
    }

    /** The live call {@code callId} if the session's identity is a party to it; NOT_IN_CALL otherwise. */
    private Call partyCall(Session session, String callId) throws Rejection {
        return calls.get(callId).filter(c -> c.isParty(session.identityId()))
                .orElseThrow(() -> new Rejection(ErrorCode.NOT_IN_CALL, "no such call of yours: " + callId));
    }

    /** The call, if it is ringing at this agent now; INVALID_STATE if it exists but is not offered to it. */
    private Call offeredTo(Session agent, String callId) throws Rejection {
        Call call = calls.get(callId).orElseThrow(() ->
                new Rejection(ErrorCode.NOT_IN_CALL, "no such call: " + callId));
        if (call.state() != CallState.OFFERED || !agent.identityId().equals(call.offeredTo())) {
            throw new Rejection(ErrorCode.INVALID_STATE, agent.identityId().equals(call.agentId())
                    ? "the call is already " + wire(call.state()) : "this call is not offered to you");
        }
        return call;
    }

    private void record(Call call, String event) {
        record(call, event, call.currentAgent());
    }

    private void record(Call call, String event, String agentId) {
        long start = System.nanoTime();
        try {
            callLog.append(CallLogEntry.of(call, event, agentId, clock.millis()));
        } catch (IOException e) {
            log.error("call log append failed call={} event={}", call.id(), event, e);
            throw new UncheckedIOException(e);
        }
        metrics.callLogAppend(System.nanoTime() - start);
    }

    private static CallEnded withRe(CallEnded m, String re) {
        return new CallEnded(re, m.callId(), m.reason(), m.cause(), m.by());
    }

    private interface Step {
        Call apply() throws IllegalTransitionException;
    }

    private static Call transition(Step step) throws Rejection {
        try {
            return step.apply();
        } catch (IllegalTransitionException e) {
            throw new Rejection(ErrorCode.INVALID_STATE, e.getMessage());
        }
    }

    /** A transition the dispatcher only makes from states that allow it; failing is a bug. */
    private static Call transitionUnchecked(Step step) {
        try {
            return step.apply();
        } catch (IllegalTransitionException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void cancel(Map<String, ScheduledFuture<?>> timers, String key) {
        ScheduledFuture<?> timer = timers.remove(key);
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String newCallId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "c-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
