package io.doorstep.signalling.server;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolException;

/** What the frame decoder hands on: a decoded message with its frame size, or the reason it could not be decoded. */
sealed interface Inbound {
    record Message(ClientMessage message, int frameBytes) implements Inbound {
    }

    record Failure(ProtocolException error) implements Inbound {
    }
}
