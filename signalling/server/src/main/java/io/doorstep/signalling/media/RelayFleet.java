package io.doorstep.signalling.media;

import io.doorstep.protocol.Dashboard;
import io.doorstep.relays.RelayLoad;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relays that report to this server ({@link RelayLoad}), newest report each. A relay is live until it says it is
 * leaving or misses {@link #MISSED_REPORTS} reports in a row. Switchboard thread only.
 */
public final class RelayFleet {
    static final int MISSED_REPORTS = 3;
    private static final Logger log = LoggerFactory.getLogger(RelayFleet.class);

    /** A relay's latest report and when this server took it. */
    public record Relay(RelayLoad load, long receivedAt) {
        /** As operators see it. */
        public Dashboard.Relay dashboard() {
            return new Dashboard.Relay(load.relayId(), load.region(), load.allocations(), load.capacity(),
                    load.toPeerBitrate(), load.toClientBitrate());
        }

        boolean expired(long now) {
            return now - receivedAt > MISSED_REPORTS * load.intervalMillis();
        }
    }

    private final Map<String, Relay> relays = new HashMap<>();
    private ObjLongConsumer<String> gone = (relayId, now) -> { };

    /** Who to tell (with the relay's id and the time) when a relay is gone, having left or stopped reporting. */
    public void onGone(ObjLongConsumer<String> listener) {
        this.gone = listener;
    }

    /** A live relay's latest report, as of the last sweep. */
    public Optional<Relay> get(String relayId) {
        return Optional.ofNullable(relays.get(relayId));
    }

    /** Takes a report; one older than the report held (a replay, or overtaken in flight) changes nothing. */
    public void report(RelayLoad load, long now) {
        Relay held = relays.get(load.relayId());
        if (held != null && held.load().sentAt() >= load.sentAt()) {
            return;
        }
        if (load.leaving()) {
            if (held != null) {
                relays.remove(load.relayId());
                log.info("relay left relay={}", load.relayId());
                gone.accept(load.relayId(), now);
            }
            return;
        }
        if (held == null) {
            log.info("relay joined relay={} region={} urls={}", load.relayId(), load.region(), load.turnUrls());
        }
        relays.put(load.relayId(), new Relay(load, now));
    }

    /** The live relays by id, after a {@link #sweep}. */
    public List<Relay> live(long now) {
        sweep(now);
        List<Relay> live = new ArrayList<>(relays.values());
        live.sort(Comparator.comparing(r -> r.load().relayId()));
        return live;
    }

    /** Forgets the relays whose reports stopped, logs each, and tells the listener. Run every second or so. */
    public void sweep(long now) {
        List<Relay> expired = relays.values().stream().filter(r -> r.expired(now)).toList();
        for (Relay r : expired) {
            relays.remove(r.load().relayId());
            log.warn("relay gone: no report for {} ms relay={}", now - r.receivedAt(), r.load().relayId());
        }
        expired.forEach(r -> gone.accept(r.load().relayId(), now));
    }
}
