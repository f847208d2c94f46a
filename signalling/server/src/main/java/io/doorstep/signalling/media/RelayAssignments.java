package io.doorstep.signalling.media;

import io.doorstep.relays.RelayLoad;
import io.doorstep.signalling.media.CallRelays.Assignment;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which relay each connected call uses, when relays report their load ({@link RelayFleet}): chosen when the call
 * connects, kept for its life with the call ({@link CallRelays}: both parties, and a party that comes back, get the
 * same one, on whichever node), and moved when that relay is gone, by the node that owns the call and by no other.
 * Switchboard thread only.
 *
 * <p>Between two reports of a relay the calls this server sent to it are counted as two allocations each, so a burst
 * of calls does not all go to the relay that looked emptiest at its last report. (In a cluster each node counts its
 * own; the next report, a few seconds later, has them all.)
 */
public final class RelayAssignments {
    private static final Logger log = LoggerFactory.getLogger(RelayAssignments.class);

    /** Calls sent to a relay since the report it was chosen on. */
    private record Pending(long reportReceivedAt, int calls) {
    }

    private final RelayFleet fleet;
    private final CallRelays calls;
    private final RelaySelection selection;
    private final Map<String, Pending> pending = new HashMap<>();
    private Consumer<String> moved = callId -> { };

    /** On a single box: the calls' relays in memory. */
    public RelayAssignments(RelayFleet fleet, RelaySelection selection) {
        this(fleet, new InMemoryCallRelays(), selection);
    }

    public RelayAssignments(RelayFleet fleet, CallRelays calls, RelaySelection selection) {
        this.fleet = fleet;
        this.calls = calls;
        this.selection = selection;
        fleet.onGone(this::relayGone);
    }

    /** Who to tell (with the call's id) that a call was moved to another relay. */
    public void onMoved(Consumer<String> listener) {
        this.moved = listener;
    }

    /** The call's relay, chosen now if it has none; empty when selection is static or no relay reports. */
    public Optional<RelayLoad> relayOf(String callId, String town, long now) {
        if (selection == RelaySelection.STATIC) {
            return Optional.empty();
        }
        Optional<Assignment> held = calls.get(callId);
        if (held.isEmpty()) {
            Optional<RelayFleet.Relay> best = bestRelay(town, now);
            return assign(callId, null, town, best) ? best.map(RelayFleet.Relay::load) : current(callId);
        }
        Optional<RelayLoad> relay = fleet.get(held.get().relayId()).map(RelayFleet.Relay::load);
        if (relay.isPresent()) {
            return relay;
        }
        if (!calls.owns(callId)) { // the owner moves it and tells both parties; meanwhile the best one
            return bestRelay(town, now).map(RelayFleet.Relay::load);
        }
        move(callId, held.get(), now);
        return current(callId);
    }

    /** The call ended: its relay no longer counts it. */
    public void release(String callId) {
        calls.release(callId);
    }

    /** The call's relay as stored, if live. */
    private Optional<RelayLoad> current(String callId) {
        return calls.get(callId).flatMap(a -> fleet.get(a.relayId())).map(RelayFleet.Relay::load);
    }

    private Optional<RelayFleet.Relay> bestRelay(String town, long now) {
        List<RelayFleet.Relay> live = fleet.live(now);
        List<RelayFleet.Relay> near = selection == RelaySelection.SAME_REGION
                ? live.stream().filter(r -> r.load().region().equalsIgnoreCase(town)).toList() : List.of();
        return (near.isEmpty() ? live : near).stream()
                .min(Comparator.comparingDouble(this::fill).thenComparing(r -> r.load().relayId()));
    }

    /**
     * Gives the call {@code best} (empty: the configured TURN servers) if its relay is still {@code expected}; false
     * if another node changed it first. Counts the call against the relay given.
     */
    private boolean assign(String callId, String expected, String town, Optional<RelayFleet.Relay> best) {
        if (!calls.replace(callId, expected, best.map(r -> new Assignment(r.load().relayId(), town)).orElse(null))) {
            return false;
        }
        if (best.isEmpty()) {
            log.warn("no relay reporting: the configured TURN servers are handed out call={}", callId);
            return true;
        }
        RelayFleet.Relay relay = best.get();
        pending.merge(relay.load().relayId(), new Pending(relay.receivedAt(), 1), (old, one) ->
                old.reportReceivedAt() == relay.receivedAt() ? new Pending(old.reportReceivedAt(), old.calls() + 1)
                        : one);
        return true;
    }

    /** How full a relay is, counting two allocations for each call sent to it since its report; 0..1 and beyond. */
    private double fill(RelayFleet.Relay relay) {
        RelayLoad load = relay.load();
        Pending p = pending.get(load.relayId());
        int sent = p != null && p.reportReceivedAt() == relay.receivedAt() ? p.calls() : 0;
        return (load.allocations() + 2.0 * sent) / Math.max(1, load.capacity());
    }

    /** Moves every call this server owns off a relay that is gone, and says so, call by call. */
    private void relayGone(String relayId, long now) {
        pending.remove(relayId);
        calls.ownedOn(relayId).forEach((callId, a) -> move(callId, a, now));
    }

    /** Moves a call off its dead relay; tells the listener only if this server made the move (once per move). */
    private void move(String callId, Assignment from, long now) {
        Optional<RelayFleet.Relay> next = bestRelay(from.town(), now);
        if (assign(callId, from.relayId(), from.town(), next)) {
            log.info("call moved off a relay that is gone call={} from={} to={}", callId, from.relayId(),
                    next.map(r -> r.load().relayId()).orElse("configured TURN servers"));
            moved.accept(callId);
        }
    }
}
