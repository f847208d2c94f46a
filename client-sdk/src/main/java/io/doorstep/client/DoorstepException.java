package io.doorstep.client;

import io.doorstep.protocol.ErrorCode;

/**
 * A request that did not succeed: the server refused it ({@link #code()} is its error code), it was not answered in
 * time, or the session it was sent on is gone ({@code code()} null). Requests fail their futures with it; the
 * connection itself never throws at the application, it tells the listener.
 */
public final class DoorstepException extends RuntimeException {
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
}
