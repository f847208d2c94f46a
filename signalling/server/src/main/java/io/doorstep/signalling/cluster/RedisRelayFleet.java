package io.doorstep.signalling.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.relays.RelayLoad;
import io.doorstep.signalling.cluster.Scripts.Name;
import io.doorstep.signalling.media.RelayFleet;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay fleet in Redis, shared by every node: a report posted to any node is written to {@code relay:<id>} with a
 * TTL of {@link RelayFleet#MISSED_REPORTS} report intervals, so a relay that stops reporting expires for all nodes at
 * once. Each node keeps a copy, read again by every {@link #sweep} (once a second), so choosing a relay costs no
 * round trip; a relay in the copy before a sweep and not after it is gone, and the node tells its listener.
 * Switchboard thread only.
 */
public final class RedisRelayFleet implements RelayFleet {
    private static final Logger log = LoggerFactory.getLogger(RedisRelayFleet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Scripts scripts;
    private final String nodeId;
    private Map<String, Relay> cached = new TreeMap<>();
    private ObjLongConsumer<String> gone = (relayId, now) -> { };

    public RedisRelayFleet(RedisClusterCommands<String, String> redis, RedisKeys keys, String nodeId) {
        this.scripts = new Scripts(redis, keys);
        this.nodeId = nodeId;
    }

    @Override
    public void onGone(ObjLongConsumer<String> listener) {
        this.gone = listener;
    }

    /** From the copy; a relay not in it (new since the last sweep, or gone) is looked up in Redis. */
    @Override
    public Optional<Relay> get(String relayId) {
        Relay relay = cached.get(relayId);
        if (relay != null) {
            return Optional.of(relay);
        }
        Optional<Relay> read = read("one", relayId).stream().findFirst();
        read.ifPresent(r -> cached.put(relayId, r));
        return read;
    }

    @Override
    public void report(RelayLoad load, long now) {
        long ttl = MISSED_REPORTS * load.intervalMillis();
        long outcome;
        try {
            outcome = scripts.run(Name.RELAY_REPORT, ScriptOutputType.INTEGER, load.relayId(),
                    Long.toString(load.sentAt()), load.leaving() ? "1" : "0", Long.toString(ttl),
                    JSON.writeValueAsString(load), Long.toString(now));
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("relay load report not stored relay={} node={}: {}", load.relayId(), nodeId, e.toString());
            return;
        }
        if (outcome == 2) {
            log.info("relay left relay={} node={}", load.relayId(), nodeId);
            if (cached.remove(load.relayId()) != null) {
                gone.accept(load.relayId(), now);
            }
        } else if (outcome != 0) {
            if (outcome == 3) {
                log.info("relay joined relay={} region={} urls={} node={}", load.relayId(), load.region(),
                        load.turnUrls(), nodeId);
            }
            cached.put(load.relayId(), new Relay(load, now));
        }
    }

    @Override
    public List<Relay> live(long now) {
        return List.copyOf(cached.values());
    }

    /** Reads the fleet again; the relays that were in the copy and are no longer in Redis are gone. */
    @Override
    public void sweep(long now) {
        Map<String, Relay> fresh = new TreeMap<>();
        try {
            read("all").forEach(r -> fresh.put(r.load().relayId(), r));
        } catch (RuntimeException e) {
            log.warn("relay fleet not read node={}: {}", nodeId, e.toString());
            return; // keep the copy: a relay is not taken for gone because Redis did not answer
        }
        List<String> expired = new ArrayList<>(cached.keySet());
        expired.removeAll(fresh.keySet());
        cached = fresh;
        for (String relayId : expired) {
            log.warn("relay gone: its reports stopped or it left relay={} node={}", relayId, nodeId);
            gone.accept(relayId, now);
        }
    }

    private List<Relay> read(String... args) {
        List<List<String>> rows = scripts.run(Name.RELAY_READ, ScriptOutputType.MULTI, args);
        List<Relay> relays = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            try {
                relays.add(new Relay(JSON.readValue(row.get(0), RelayLoad.class), Long.parseLong(row.get(1))));
            } catch (JsonProcessingException | RuntimeException e) {
                log.warn("unreadable relay report in Redis node={}: {}", nodeId, e.toString());
            }
        }
        return relays;
    }
}
