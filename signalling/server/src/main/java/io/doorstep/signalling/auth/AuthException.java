package io.doorstep.signalling.auth;

import io.doorstep.protocol.ErrorCode;

/** A token was refused; the code says why (TOKEN_INVALID, TOKEN_EXPIRED, ROLE_MISMATCH, UNKNOWN_IDENTITY). */
public final class AuthException extends Exception {
    private final ErrorCode code;

    public AuthException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
