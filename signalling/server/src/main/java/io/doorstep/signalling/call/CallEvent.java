package io.doorstep.signalling.call;

import io.doorstep.protocol.EndReason;
import java.util.Locale;

/** What can happen to a call. Events that end it carry their {@link EndReason}. */
public enum CallEvent {
    /** Offered to an agent. */
    OFFER(null),
    /** The agent accepted. */
    ACCEPT(null),
    /** The agent rejected; back to the queue for the next agent. */
    REJECT(null),
    /** The agent did not answer in time. */
    RING_TIMEOUT(null),
    /** The offered agent's connection dropped before it answered. */
    OFFER_LOST(null),
    /** The station cancelled before an answer. */
    CANCEL(EndReason.CANCELLED),
    /** The station went away before an answer. */
    ABANDON(EndReason.ABANDONED),
    /** No signed-in agent with the skill is left who has not rejected it. */
    ALL_REJECTED(EndReason.REJECTED_BY_ALL),
    /** A party hung up a connected call. */
    HANGUP(EndReason.COMPLETED),
    /** The call cannot go on (party lost, media failed, server stopping). */
    FAIL(EndReason.FAILED);

    private final EndReason endReason;

    CallEvent(EndReason endReason) {
        this.endReason = endReason;
    }

    /** The end reason when this event ends the call. */
    public EndReason endReason() {
        return endReason;
    }

    /** As written in the call log. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
