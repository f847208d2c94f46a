package io.doorstep.signalling.media;

import io.doorstep.relays.RelayLoad;
import java.util.ArrayList;
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
 * connects, kept for its life (both parties, and a party that comes back, get the same one), and moved when that
 * relay is gone. Switchboard thread only.
 *
 * <p>Between two reports of a relay the calls sent to it are counted as two allocations each, so a burst of calls
 * does not all go to the relay that looked emptiest at its last report.
 */
public final class RelayAssignments {
    private static final Logger log = LoggerFactory.getLogger(RelayAssignments.class);

    private record Assignment(String relayId, String town) {
    }

    /** Calls sent to a relay since the report it was chosen on. */
    private record Pending(long reportReceivedAt, int calls) {
    }

    private final RelayFleet fleet;
    private final RelaySelection selection;
    private final Map<String, Assignment> byCall = new HashMap<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private Consumer<String> moved = callId -> { };

    public RelayAssignments(RelayFleet fleet, RelaySelection selection) {
        this.fleet = fleet;
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
        Assignment held = byCall.get(callId);
        if (held != null) {
            Optional<RelayLoad> relay = fleet.get(held.relayId()).map(RelayFleet.Relay::load);
            if (relay.isPresent()) {
                return relay;
            }
        }
        return choose(callId, town, now);
    }

    /** The call ended: its relay no longer counts it. */
    public void release(String callId) {
        byCall.remove(callId);
    }

    private Optional<RelayLoad> choose(String callId, String town, long now) {
        List<RelayFleet.Relay> live = fleet.live(now);
        List<RelayFleet.Relay> near = selection == RelaySelection.SAME_REGION
                ? live.stream().filter(r -> r.load().region().equalsIgnoreCase(town)).toList() : List.of();
        Optional<RelayFleet.Relay> best = (near.isEmpty() ? live : near).stream()
                .min(Comparator.comparingDouble(this::fill).thenComparing(r -> r.load().relayId()));
        if (best.isEmpty()) {
            byCall.remove(callId);
            log.warn("no relay reporting: the configured TURN servers are handed out call={}", callId);
            return Optional.empty();
        }
        RelayFleet.Relay relay = best.get();
        byCall.put(callId, new Assignment(relay.load().relayId(), town));
        pending.merge(relay.load().relayId(), new Pending(relay.receivedAt(), 1), (old, one) ->
                old.reportReceivedAt() == relay.receivedAt() ? new Pending(old.reportReceivedAt(), old.calls() + 1)
                        : one);
        return Optional.of(relay.load());
    }

    /** How full a relay is, counting two allocations for each call sent to it since its report; 0..1 and beyond. */
    private double fill(RelayFleet.Relay relay) {
        RelayLoad load = relay.load();
        Pending p = pending.get(load.relayId());
        int sent = p != null && p.reportReceivedAt() == relay.receivedAt() ? p.calls() : 0;
        return (load.allocations() + 2.0 * sent) / Math.max(1, load.capacity());
    }

    /** Moves every call of a relay that is gone to another one and says so, call by call. */
    private void relayGone(String relayId, long now) {
        pending.remove(relayId);
        List<String> affected = new ArrayList<>();
        byCall.forEach((callId, a) -> {
            if (a.relayId().equals(relayId)) {
                affected.add(callId);
            }
        });
        for (String callId : affected) {
            Optional<RelayLoad> next = choose(callId, byCall.get(callId).town(), now);
            log.info("call moved off a relay that is gone call={} from={} to={}", callId, relayId,
                    next.map(RelayLoad::relayId).orElse("configured TURN servers"));
            moved.accept(callId);
        }
    }
}
