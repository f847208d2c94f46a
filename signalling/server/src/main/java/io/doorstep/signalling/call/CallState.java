package io.doorstep.signalling.call;

import io.doorstep.protocol.EndReason;

/**
 * The states of a call and the one transition function between them. Pure: the table in
 * {@link #next(CallState, CallEvent)} is the whole state machine, tested pair by pair.
 */
public enum CallState {
    /** Waiting in its skill group's queue. */
    QUEUED,
    /** Ringing at one agent; still holds its place at the head of the queue. */
    OFFERED,
    /** Accepted: both parties are exchanging media. */
    CONNECTED,
    /** Over, with an {@link EndReason}. */
    ENDED;

    /** The state after {@code event}, or {@link IllegalTransitionException} when the event is not allowed here. */
    public static CallState next(CallState from, CallEvent event) throws IllegalTransitionException {
        CallState to = switch (from) {
            case QUEUED -> switch (event) {
                case OFFER -> OFFERED;
                case CANCEL, ABANDON, ALL_REJECTED, FAIL -> ENDED;
                default -> null;
            };
            case OFFERED -> switch (event) {
                case ACCEPT -> CONNECTED;
                case REJECT, RING_TIMEOUT, OFFER_LOST -> QUEUED;
                case CANCEL, ABANDON, FAIL -> ENDED;
                default -> null;
            };
            case CONNECTED -> switch (event) {
                case HANGUP, FAIL -> ENDED;
                default -> null;
            };
            case ENDED -> null;
        };
        if (to == null) {
            throw new IllegalTransitionException(from, event);
        }
        return to;
    }

    /** Thrown for an event the state does not allow. */
    public static final class IllegalTransitionException extends Exception {
        public IllegalTransitionException(CallState from, CallEvent event) {
            super("a call that is " + from.name().toLowerCase() + " cannot take " + event.wireName(), null, false,
                    false);
        }
    }
}
