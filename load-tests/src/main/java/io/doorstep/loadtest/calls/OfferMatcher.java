package io.doorstep.loadtest.calls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Pairs the two ends of request-to-offer latency by call id: the station learns the id from its call.queued (and
 * knows when it meant to ask), the agent sees the call.offer. They arrive on different connections, so either may
 * be first.
 */
public final class OfferMatcher {
    private record Half(boolean fromStation, long nanos) {
    }

    private final Map<String, Half> waiting = new ConcurrentHashMap<>();
    private final LongConsumer requestToOffer;

    /** {@code requestToOffer} gets each matched call's latency in nanoseconds. */
    public OfferMatcher(LongConsumer requestToOffer) {
        this.requestToOffer = requestToOffer;
    }

    /** The station's half: the call's id and the time it was meant to be requested. */
    public void requested(String callId, long intendedNanos) {
        match(callId, new Half(true, intendedNanos));
    }

    /** The agent's half: when the offer arrived. */
    public void offered(String callId, long arrivedNanos) {
        match(callId, new Half(false, arrivedNanos));
    }

    private void match(String callId, Half half) {
        Half other = waiting.putIfAbsent(callId, half);
        // A second offer of one call (after a reject or ring timeout) finds no station half: only the first counts.
        if (other == null || other.fromStation() == half.fromStation()) {
            return;
        }
        waiting.remove(callId);
        Half request = half.fromStation() ? half : other;
        Half offer = half.fromStation() ? other : half;
        requestToOffer.accept(offer.nanos() - request.nanos());
    }
}
