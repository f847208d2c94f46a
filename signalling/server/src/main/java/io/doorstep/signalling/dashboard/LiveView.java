package io.doorstep.signalling.dashboard;

import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.Devices;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.devices.StationKits;
import io.doorstep.signalling.directory.Directory;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.directory.SkillGroup;
import io.doorstep.signalling.routing.AgentRegistry;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.CallQueue;
import io.doorstep.signalling.routing.QueueEntry;
import io.doorstep.signalling.routing.Staffing;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/** Reads the switchboard's state into the dashboard's values. Switchboard thread only, like the state it reads. */
public final class LiveView {
    private final Sources sources;
    private final CallHistory history;

    /**
     * Where the live state is: the switchboard's stores and the directory; whether it drains and each call's latest
     * quality from the dispatcher; the relays reporting their load.
     */
    public record Sources(CallStore calls, CallQueue queue, AgentRegistry agents, SessionDirectory sessions,
                          Directory directory, ServiceCatalogue catalogue, BooleanSupplier draining,
                          Function<List<String>, Map<String, Dashboard.Quality>> quality,
                          Supplier<List<Dashboard.Relay>> relays) {
    }

    LiveView(Sources sources, CallHistory history) {
        this.sources = sources;
        this.history = history;
    }

    List<Dashboard.Station> stations() {
        return sources.directory().stations().stream()
                .map(s -> new Dashboard.Station(s.id(), s.name(), s.town(), s.village())).toList();
    }

    Dashboard.Live live() {
        return new Dashboard.Live(queues(), agents(), calls(), history.today(), stationsOnline(), kitFaults(),
                sources.relays().get(), sources.draining().getAsBoolean());
    }

    private List<Dashboard.Queue> queues() {
        return sources.catalogue().skillGroups().stream().map(this::queue).toList();
    }

    private Dashboard.Queue queue(SkillGroup group) {
        List<QueueEntry> entries = sources.queue().entries(group.code());
        int ringing = (int) entries.stream().map(e -> sources.calls().get(e.callId()))
                .filter(c -> c.map(call -> call.state() == CallState.OFFERED).orElse(false)).count();
        Long oldest = entries.stream().map(QueueEntry::enqueuedAt).min(Long::compare).orElse(null);
        Staffing staffing = sources.agents().staffing(group.code());
        return new Dashboard.Queue(group.code(), group.nameZh(), group.nameEn(), entries.size() - ringing, ringing,
                oldest, staffing.available(), staffing.staffed());
    }

    private List<Dashboard.Agent> agents() {
        return sources.agents().all().stream().sorted(Comparator.comparing(AgentStatus::agentId))
                .map(a -> new Dashboard.Agent(a.agentId(), a.state(), a.online(), a.stateSince(),
                        a.skillGroups().stream().sorted().toList(), a.callId()))
                .toList();
    }

    private List<Dashboard.Call> calls() {
        List<Call> calls = sources.calls().all().stream()
                .sorted(Comparator.comparingLong(Call::queuedAt).thenComparing(Call::id)).toList();
        Map<String, Dashboard.Quality> quality = sources.quality().apply(calls.stream()
                .filter(c -> c.state() == CallState.CONNECTED).map(Call::id).toList()); // one read for all calls
        return calls.stream().map(c -> call(c, quality.get(c.id()))).toList();
    }

    private Dashboard.Call call(Call c, Dashboard.Quality quality) {
        return new Dashboard.Call(c.id(), c.state().name().toLowerCase(Locale.ROOT), c.stationId(),
                sources.catalogue().item(c.serviceItem()).orElseThrow().info(),
                c.priority(), c.queuedAt(), c.connectedAt() > 0 ? c.connectedAt() : null, c.currentAgent(), quality);
    }

    private List<Dashboard.KitFault> kitFaults() {
        return sources.directory().stations().stream()
                .flatMap(s -> sources.sessions().byIdentity(s.id()).stream())
                .flatMap(session -> session.kit().stream()
                        .filter(h -> h.state() != Devices.State.READY)
                        .map(h -> new Dashboard.KitFault(session.identityId(), h.device(), h.state())))
                .toList();
    }

    private List<String> stationsOnline() {
        return sources.directory().stations().stream().map(s -> s.id())
                .filter(id -> sources.sessions().byIdentity(id).map(Session::online).orElse(false))
                .toList();
    }

    /** The live state as {@code /api/snapshot} answers it (docs/protocol.md), read at {@code now}. */
    Map<String, Object> snapshot(long now) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> queues = new LinkedHashMap<>();
        sources.catalogue().skillGroups().forEach(g -> {
            List<QueueEntry> entries = sources.queue().entries(g.code());
            queues.put(g.code(), Map.of("length", entries.size(), "oldestWaitMs",
                    entries.stream().mapToLong(e -> now - e.enqueuedAt()).max().orElse(0),
                    "agentsAvailable", sources.agents().staffing(g.code()).available(),
                    "agentsStaffed", sources.agents().staffing(g.code()).staffed()));
        });
        out.put("queues", queues);
        out.put("agents", sources.agents().all().stream().sorted(Comparator.comparing(AgentStatus::agentId))
                .map(a -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", a.agentId());
                    m.put("name", sources.directory().nameOf(a.agentId()));
                    m.put("state", a.state());
                    m.put("online", a.online());
                    m.put("stateSinceMs", now - a.stateSince());
                    m.put("skillGroups", a.skillGroups().stream().sorted().toList());
                    if (a.callId() != null) {
                        m.put("callId", a.callId());
                    }
                    return m;
                }).toList());
        out.put("calls", sources.calls().all().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("state", c.state().name().toLowerCase(Locale.ROOT));
            m.put("stationId", c.stationId());
            m.put("serviceItem", c.serviceItem());
            m.put("skillGroup", c.skillGroup());
            m.put("priority", c.priority());
            m.put("waitedMs", (c.connectedAt() > 0 ? c.connectedAt() : now) - c.queuedAt());
            if (c.currentAgent() != null) {
                m.put("agentId", c.currentAgent());
            }
            if (c.connectedAt() > 0) {
                m.put("talkMs", now - c.connectedAt());
            }
            return m;
        }).toList());
        out.put("stations", StationKits.snapshot(sources.sessions().all()));
        out.put("sessions", sources.sessions().all().size());
        out.put("draining", sources.draining().getAsBoolean());
        return out;
    }
}
