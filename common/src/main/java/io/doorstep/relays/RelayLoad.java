package io.doorstep.relays;

import java.util.List;

/**
 * What a relay reports of itself every few seconds: who it is, the TURN URLs clients reach it by, and its load. The
 * signalling server keeps the newest report per relay, shows the fleet to operators and forgets a relay that stops
 * reporting; {@code leaving} says the relay is shutting down and should be forgotten at once.
 *
 * @param allocations      live TURN allocations
 * @param capacity         the most allocations it admits ({@code quotas.allocations-total})
 * @param toPeerBitrate    bits per second relayed from clients to peers over the last interval
 * @param toClientBitrate  bits per second relayed from peers to clients over the last interval
 * @param sentAt           when the report was made (epoch milliseconds); an older report than one already held is
 *                         ignored, so a replayed post changes nothing
 * @param intervalMillis   how often the relay reports: the signalling server forgets it after three missed reports
 */
public record RelayLoad(String relayId, String region, List<String> turnUrls, int allocations, int capacity,
                        long toPeerBitrate, long toClientBitrate, long sentAt, long intervalMillis, boolean leaving) {
    /** The signalling server's endpoint for these reports. */
    public static final String PATH = "/internal/relays/load";
    private static final String ID = "[A-Za-z0-9._:-]{1,64}";

    public RelayLoad {
        turnUrls = turnUrls == null ? List.of() : List.copyOf(turnUrls);
        region = region == null ? "" : region;
    }

    /** Whether every field is in range: checked by the receiver before anything else reads it. */
    public boolean valid() {
        return relayId != null && relayId.matches(ID) && region.length() <= 64 && turnUrls.size() <= 8
                && turnUrls.stream().allMatch(u -> u != null && u.length() <= 256 && u.matches("turns?:\\S+"))
                && allocations >= 0 && capacity >= 0 && toPeerBitrate >= 0 && toClientBitrate >= 0
                && sentAt > 0 && intervalMillis >= 100 && intervalMillis <= 600_000;
    }
}
