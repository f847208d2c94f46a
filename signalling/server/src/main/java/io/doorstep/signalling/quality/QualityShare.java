package io.doorstep.signalling.quality;

import io.doorstep.protocol.Role;
import java.util.Collection;
import java.util.Map;

/**
 * Where the parties' latest quality figures are shared so that every node's dashboard shows every call's: nowhere on
 * the single box (its own reports are all there are), in Redis in a cluster, where a call's parties may report to two
 * other nodes. Switchboard thread only.
 */
public interface QualityShare {
    /** The single box: nothing to share. */
    QualityShare NONE = new QualityShare() {
        @Override
        public void put(String callId, Role role, PartyQuality quality) {
        }

        @Override
        public Map<String, PartyQuality> get(Collection<String> callIds) {
            return Map.of();
        }
    };

    /** The {@code role} party of the call reported {@code quality}; kept as long as a silent party is remembered. */
    void put(String callId, Role role, PartyQuality quality);

    /** The parties' latest figures of these calls, by {@link #key}; a party without one is absent. */
    Map<String, PartyQuality> get(Collection<String> callIds);

    static String key(String callId, Role role) {
        return callId + "/" + role.wireName();
    }

    /** What the dashboard shows of one party's last report. */
    record PartyQuality(Double rttMs, Double fractionLost, boolean stalled) {
    }
}
