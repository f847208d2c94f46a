package io.doorstep.signalling.media;

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

/** The relays that report to this server, in its memory: the single box's fleet. Switchboard thread only. */
public final class InMemoryRelayFleet implements RelayFleet {
    private static final Logger log = LoggerFactory.getLogger(InMemoryRelayFleet.class);

    private final Map<String, Relay> relays = new HashMap<>();
    private ObjLongConsumer<String> gone = (relayId, now) -> { };

    @Override
    public void onGone(ObjLongConsumer<String> listener) {
        this.gone = listener;
    }

    @Override
    public Optional<Relay> get(String relayId) {
        return Optional.ofNullable(relays.get(relayId));
    }

    @Override
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

    @Override
    public List<Relay> live(long now) {
        sweep(now);
        List<Relay> live = new ArrayList<>(relays.values());
        live.sort(Comparator.comparing(r -> r.load().relayId()));
        return live;
    }

    @Override
    public void sweep(long now) {
        List<Relay> expired = relays.values().stream().filter(r -> r.expired(now)).toList();
        for (Relay r : expired) {
            relays.remove(r.load().relayId());
            log.warn("relay gone: no report for {} ms relay={}", now - r.receivedAt(), r.load().relayId());
        }
        expired.forEach(r -> gone.accept(r.load().relayId(), now));
    }
}
