package io.doorstep.signalling.media;

import io.doorstep.protocol.Dashboard;
import io.doorstep.relays.RelayLoad;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjLongConsumer;

/**
 * The relays that report their load ({@link RelayLoad}), newest report each. A relay is live until it says it is
 * leaving or misses {@link #MISSED_REPORTS} reports in a row. On a single box the fleet is this server's memory
 * ({@link InMemoryRelayFleet}); in a cluster it is in Redis, shared by every node whichever node a report reached.
 * Switchboard thread only.
 */
public interface RelayFleet {
    int MISSED_REPORTS = 3;

    /** A relay's latest report and when a server took it. */
    record Relay(RelayLoad load, long receivedAt) {
        /** As operators see it. */
        public Dashboard.Relay dashboard() {
            return new Dashboard.Relay(load.relayId(), load.region(), load.allocations(), load.capacity(),
                    load.toPeerBitrate(), load.toClientBitrate());
        }

        boolean expired(long now) {
            return now - receivedAt > MISSED_REPORTS * load.intervalMillis();
        }
    }

    /**
     * Who to tell (with the relay's id and the time) when a relay is gone, having left or stopped reporting. Each
     * server tells its own listener once per relay that goes.
     */
    void onGone(ObjLongConsumer<String> listener);

    /** A live relay's latest report. */
    Optional<Relay> get(String relayId);

    /** Takes a report; one older than the report held (a replay, or overtaken in flight) changes nothing. */
    void report(RelayLoad load, long now);

    /** The live relays by id, as of the last {@link #sweep} at most. */
    List<Relay> live(long now);

    /** Forgets the relays whose reports stopped, logs each, and tells the listener. Run every second or so. */
    void sweep(long now);
}
