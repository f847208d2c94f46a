package io.doorstep.signalling.media;

import io.doorstep.protocol.Dashboard;
import io.doorstep.relays.RelayLoad;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
            }
            return;
        }
        if (held == null) {
            log.info("relay joined relay={} region={} urls={}", load.relayId(), load.region(), load.turnUrls());
        }
        relays.put(load.relayId(), new Relay(load, now));
    }

    /** The live relays by id; those whose reports stopped are forgotten (and logged) here. */
    public List<Relay> live(long now) {
        List<Relay> live = new ArrayList<>(relays.size());
        for (var it = relays.values().iterator(); it.hasNext(); ) {
            Relay r = it.next();
            if (r.expired(now)) {
                it.remove();
                log.warn("relay gone: no report for {} ms relay={}", now - r.receivedAt(), r.load().relayId());
            } else {
                live.add(r);
            }
        }
        live.sort(Comparator.comparing(r -> r.load().relayId()));
        return live;
    }
}
