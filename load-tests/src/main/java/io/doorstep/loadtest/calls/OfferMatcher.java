package io.doorstep.loadtest.calls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Pairs the two ends of request-to-offer latency by call id: the station learns the id from its call.queued (and
 * knows when it meant to ask), the agent sees the call.offer. They arrive on different connections, so either may
 * be first. Against a cluster it also counts the offers whose station and agent are connected to different nodes.
 */
public final class OfferMatcher {
    /** The node of a half whose client does not say (a load against one server). */
    private static final int ONE_SERVER = 0;

    private record Half(boolean fromStation, long nanos, int node) {
    }

    private final Map<String, Half> waiting = new ConcurrentHashMap<>();
    private final LongConsumer requestToOffer;
    private final LongAdder matched = new LongAdder();
    private final LongAdder acrossNodes = new LongAdder();

    /** {@code requestToOffer} gets each matched call's latency in nanoseconds. */
    public OfferMatcher(LongConsumer requestToOffer) {
        this.requestToOffer = requestToOffer;
    }

    /** The station's half: the call's id and the time it was meant to be requested. */
    public void requested(String callId, long intendedNanos) {
        requested(callId, intendedNanos, ONE_SERVER);
    }

    /** The station's half, from a station connected to {@code node}. */
    void requested(String callId, long intendedNanos, int node) {
        match(callId, new Half(true, intendedNanos, node));
    }

    /** The agent's half: when the offer arrived. */
    public void offered(String callId, long arrivedNanos) {
        offered(callId, arrivedNanos, ONE_SERVER);
    }

    /** The agent's half, at an agent connected to {@code node}. */
    void offered(String callId, long arrivedNanos, int node) {
        match(callId, new Half(false, arrivedNanos, node));
    }

    /** The share of matched offers (so far, warm-up included) whose station and agent were on different nodes. */
    double acrossNodesShare() {
        long n = matched.sum();
        return n == 0 ? 0 : (double) acrossNodes.sum() / n;
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
        matched.increment();
        if (request.node() != offer.node()) {
            acrossNodes.increment();
        }
    }
}
