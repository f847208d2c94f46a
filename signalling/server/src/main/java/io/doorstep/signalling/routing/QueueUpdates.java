package io.doorstep.signalling.routing;

import io.doorstep.protocol.ServerMessage;
import io.doorstep.protocol.ServerMessage.CallQueued;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps stations told of their place in line (position, estimated wait, ringing) and the queue, agent and session
 * gauges up to date, for the {@link Dispatcher} that owns it. The dispatcher marks what changed; positions, estimates
 * and gauges are brought up to date once per turn of the switchboard, after every event already waiting for it: a
 * burst of events costs one pass per group, not one per event, which keeps a backlog from feeding on itself.
 *
 * <p>Runs on the switchboard thread only, like its dispatcher: not thread-safe.
 */
final class QueueUpdates {
    private final CallStore calls;
    private final CallQueue queue;
    private final AgentRegistry agents;
    private final SessionDirectory sessions;
    private final WaitEstimator estimator;
    private final Function<String, ServerMessage.ServiceItemInfo> itemInfo;
    private final SignallingMetrics metrics;
    private final EventExecutor executor;
    private final StateHealth health;
    private final Consumer<String> findWorkHere;
    private final Map<String, CallQueued> lastQueueUpdate = new HashMap<>();
    private final Set<String> staleQueues = new LinkedHashSet<>();
    private final Set<String> changedElsewhere = new LinkedHashSet<>();
    private boolean staleGauges;
    private boolean refreshPending;
    private OtherNodes otherNodes = OtherNodes.NONE;

    /**
     * {@code itemInfo} describes a service item as clients see it; {@code findWorkHere} lets this node's agents look
     * for a call of a group whose queue another node changed (it dispatches, so it is the dispatcher's).
     */
    QueueUpdates(Dispatcher.Stores stores, WaitEstimator estimator,
                 Function<String, ServerMessage.ServiceItemInfo> itemInfo, SignallingMetrics metrics,
                 EventExecutor executor, StateHealth health, Consumer<String> findWorkHere) {
        this.calls = stores.calls();
        this.queue = stores.queue();
        this.agents = stores.agents();
        this.sessions = stores.sessions();
        this.estimator = estimator;
        this.itemInfo = itemInfo;
        this.metrics = metrics;
        this.executor = executor;
        this.health = health;
        this.findWorkHere = findWorkHere;
    }

    /** The cluster's other nodes, told of this node's queue changes. */
    void otherNodes(OtherNodes nodes) {
        this.otherNodes = nodes;
    }

    /** Marks a skill group's queue as changed. */
    void queueChanged(String skillGroup) {
        staleQueues.add(skillGroup);
        refreshSoon();
    }

    /** An agent's staffing changed (signed in or out, online or not, away or not): so do its groups' estimates. */
    void agentGroupsChanged(AgentStatus agent) {
        agent.skillGroups().forEach(this::queueChanged);
    }

    /** Agents or sessions came, went or changed state: the gauges are brought up to date. */
    void countsChanged() {
        staleGauges = true;
        refreshSoon();
    }

    /** Another node changed a skill group's queue (once per group however many notes came). */
    void changedElsewhere(String skillGroup) {
        changedElsewhere.add(skillGroup);
        refreshSoon();
    }

    /** The call left its queue (answered or ended): what its station was last told of its place is forgotten. */
    void leftQueue(String callId) {
        lastQueueUpdate.remove(callId);
    }

    private void refreshSoon() {
        if (!refreshPending) {
            refreshPending = true;
            executor.execute(this::refresh);
        }
    }

    private void refresh() {
        refreshPending = false;
        if (!health.up()) { // what is stale stays so: brought up to date when the state is back
            return;
        }
        List<String> groups = List.copyOf(staleQueues);
        staleQueues.clear();
        List<String> elsewhere = List.copyOf(changedElsewhere);
        changedElsewhere.clear();
        boolean gauges = staleGauges;
        staleGauges = false;
        try {
            refresh(groups, elsewhere, gauges);
        } catch (RuntimeException e) {
            if (!health.unreachable(e)) {
                throw e;
            }
            staleQueues.addAll(groups);
            changedElsewhere.addAll(elsewhere);
            staleGauges |= gauges;
        }
    }

    private void refresh(List<String> groups, List<String> elsewhere, boolean gauges) {
        otherNodes.queuesChanged(groups);
        elsewhere.forEach(findWorkHere);
        groups.forEach(this::refreshQueue);
        elsewhere.stream().filter(g -> !groups.contains(g)).forEach(this::refreshQueue);
        if (gauges || !groups.isEmpty()) {
            metrics.callsInProgress(calls.count());
        }
        if (gauges) {
            refreshGauges();
        }
    }

    /** One pass over a group's queue: tells each station whose position, estimate or ringing changed. */
    private void refreshQueue(String skillGroup) {
        List<QueueEntry> entries = queue.entries(skillGroup);
        metrics.queue(skillGroup, entries.size(), entries.stream().mapToLong(QueueEntry::enqueuedAt).min().orElse(0));
        Staffing staffing = agents.staffing(skillGroup);
        Map<String, Call> live = calls.getAll(QueueEntry.callIds(entries));
        int position = 0;
        int waitingAhead = 0;
        // calls of the group that left its queue, here or on another node, are no longer told of it
        Set<String> queued = new HashSet<>(QueueEntry.callIds(entries));
        lastQueueUpdate.values().removeIf(u -> u.serviceItem().skillGroup().equals(skillGroup)
                && !queued.contains(u.callId()));
        for (QueueEntry e : entries) {
            Call call = live.get(e.callId());
            position++;
            if (call == null) {
                continue;
            }
            int ahead = waitingAhead;
            int at = position;
            sessions.byIdentity(call.stationId()).ifPresent(s ->
                    send(s, queueView(call, null, at, ahead, staffing), false));
            if (call.state() == CallState.QUEUED) {
                waitingAhead++;
            }
        }
    }

    private void refreshGauges() {
        metrics.agents(agents.counts()::get);
        metrics.sessions(sessions::count);
    }

    /** Sends a station its call's place in line, now (the reply to its request, or after a resume). */
    void sendNow(Session station, Call call, String re) {
        List<QueueEntry> entries = queue.entries(call.skillGroup());
        Map<String, Call> live = calls.getAll(QueueEntry.callIds(entries));
        int position = 0;
        int waitingAhead = 0;
        for (QueueEntry e : entries) {
            position++;
            if (e.callId().equals(call.id())) {
                break;
            }
            Call ahead = live.get(e.callId());
            if (ahead != null && ahead.state() == CallState.QUEUED) {
                waitingAhead++;
            }
        }
        send(station, queueView(call, re, position, waitingAhead, agents.staffing(call.skillGroup())), true);
    }

    private void send(Session station, CallQueued update, boolean always) {
        CallQueued last = lastQueueUpdate.get(update.callId());
        if (always || last == null || last.position() != update.position()
                || !Objects.equals(last.estimatedWaitSeconds(), update.estimatedWaitSeconds())
                || last.ringing() != update.ringing()) {
            lastQueueUpdate.put(update.callId(), update);
            station.send(update);
        }
    }

    private CallQueued queueView(Call call, String re, int position, int waitingAhead, Staffing staffing) {
        boolean ringing = call.state() == CallState.OFFERED;
        Integer estimate = ringing ? Integer.valueOf(0) : estimator.estimateSeconds(call.skillGroup(),
                waitingAhead + 1, staffing.available(), staffing.staffed());
        return new CallQueued(re, call.id(), itemInfo.apply(call.serviceItem()), call.priority(), position, estimate,
                ringing);
    }
}
