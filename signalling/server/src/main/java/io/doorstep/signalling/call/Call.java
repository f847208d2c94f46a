package io.doorstep.signalling.call;

import io.doorstep.protocol.EndReason;
import java.util.HashSet;
import java.util.Set;

/**
 * One call, as an immutable value: every transition produces a new {@code Call} that the owner stores back. Times
 * are epoch milliseconds (0 = not yet).
 */
public record Call(String id, String stationId, String serviceItem, String skillGroup, boolean priority,
                   CallState state, long queuedAt, String offeredTo, long offeredAt, int offers,
                   Set<String> rejectedBy, String agentId, long connectedAt, long endedAt, EndReason endReason,
                   String cause) {

    public Call {
        rejectedBy = Set.copyOf(rejectedBy);
    }

    /** A new call, queued now. */
    public static Call queued(String id, String stationId, String serviceItem, String skillGroup, boolean priority,
                              long now) {
        return new Call(id, stationId, serviceItem, skillGroup, priority, CallState.QUEUED, now, null, 0, 0,
                Set.of(), null, 0, 0, null, null);
    }

    /** Offers the call to {@code agentId}. */
    public Call offer(String agentId, long now) throws CallState.IllegalTransitionException {
        return new Call(id, stationId, serviceItem, skillGroup, priority, CallState.next(state, CallEvent.OFFER),
                queuedAt, agentId, now, offers + 1, rejectedBy, null, 0, 0, null, null);
    }

    /** The offered agent accepted. */
    public Call accept(long now) throws CallState.IllegalTransitionException {
        return new Call(id, stationId, serviceItem, skillGroup, priority, CallState.next(state, CallEvent.ACCEPT),
                queuedAt, offeredTo, offeredAt, offers, rejectedBy, offeredTo, now, 0, null, null);
    }

    /** The offer is over without an answer ({@code REJECT}, {@code RING_TIMEOUT}, {@code OFFER_LOST}). */
    public Call unanswered(CallEvent event) throws CallState.IllegalTransitionException {
        Set<String> rejected = rejectedBy;
        if (event == CallEvent.REJECT) {
            rejected = new HashSet<>(rejectedBy);
            rejected.add(offeredTo);
        }
        return new Call(id, stationId, serviceItem, skillGroup, priority, CallState.next(state, event), queuedAt,
                null, 0, offers, rejected, null, 0, 0, null, null);
    }

    /** Ends the call with the reason of {@code event}. */
    public Call end(CallEvent event, String cause, long now) throws CallState.IllegalTransitionException {
        return new Call(id, stationId, serviceItem, skillGroup, priority, CallState.next(state, event), queuedAt,
                offeredTo, offeredAt, offers, rejectedBy, agentId, connectedAt, now, event.endReason(), cause);
    }

    /** The agent in the call, or the one it is ringing at. */
    public String currentAgent() {
        return agentId != null ? agentId : offeredTo;
    }

    public boolean isParty(String identityId) {
        return stationId.equals(identityId) || identityId.equals(currentAgent());
    }
}
