package io.doorstep.client;

import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;

/**
 * What happens to the client's connection. Every method has a no-op default; events arrive one at a time on the
 * client's event thread, so a listener needs no locks but must not block.
 */
public interface ConnectionListener {
    /**
     * Signed in. {@code resumed}: the earlier session was resumed and nothing was lost; otherwise a fresh session
     * (the first sign-in, or a resume the server refused: the current call, if any, is re-sent as events).
     */
    default void signedIn(ServerMessage.Identity identity, boolean resumed) {
    }

    /** The connection dropped; the next attempt comes in {@code retryIn}. The session lives on meanwhile. */
    default void connectionLost(String why, Duration retryIn) {
    }

    /**
     * The client stopped for good: the sign-in was refused ({@code code} TOKEN_EXPIRED, UNKNOWN_IDENTITY, ...), the
     * identity signed in elsewhere (null code, "session replaced"), or the client was closed.
     */
    default void stopped(ErrorCode code, String why) {
    }

    /** An error the server sent that answered no request of the application's (e.g. a rate limit). */
    default void serverError(ServerMessage.Error error) {
    }
}
