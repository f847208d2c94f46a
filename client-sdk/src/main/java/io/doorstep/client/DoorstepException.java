package io.doorstep.client;

import io.doorstep.protocol.ErrorCode;
import java.util.EnumSet;
import java.util.Set;

/**
 * A request that did not succeed: the server refused it ({@link #code()} is its error code), it was not answered in
 * time, or the session it was sent on is gone ({@code code()} null). Requests fail their futures with it; the
 * connection itself never throws at the application, it tells the listener.
 */
public final class DoorstepException extends RuntimeException {
    /** Refusals that say "not now" rather than "not this": the same request may well succeed shortly. */
    private static final Set<ErrorCode> TEMPORARY = EnumSet.of(ErrorCode.STATE_UNAVAILABLE,
            ErrorCode.SERVER_DRAINING, ErrorCode.RATE_LIMITED);

    private final ErrorCode code;

    public DoorstepException(ErrorCode code, String message) {
        super(code == null ? message : code + ": " + message);
        this.code = code;
    }

    public DoorstepException(String message, Throwable cause) {
        super(message, cause);
        this.code = null;
    }

    /** The server's error code, or null when the failure was not the server's answer. */
    public ErrorCode code() {
        return code;
    }

    /**
     * Whether the server refused only for now, so that a terminal can say "try again shortly" and offer to: its
     * shared state was unreachable ({@code STATE_UNAVAILABLE}: calls in progress go on, new ones wait for it), it is
     * shutting down ({@code SERVER_DRAINING}: the next connection goes to another node), or the message was over
     * the rate limit ({@code RATE_LIMITED}).
     */
    public boolean temporary() {
        return code != null && TEMPORARY.contains(code);
    }
}
