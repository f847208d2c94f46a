package io.doorstep.client.internal.signalling;

import io.doorstep.protocol.ServerMessage;

/** The {@code re} of the server messages that can answer a request. */
final class Replies {
    private Replies() {
    }

    static String re(ServerMessage m) {
        if (m instanceof ServerMessage.Ok ok) {
            return ok.re();
        } else if (m instanceof ServerMessage.Error e) {
            return e.re();
        } else if (m instanceof ServerMessage.Pong p) {
            return p.re();
        } else if (m instanceof ServerMessage.CallQueued q) {
            return q.re();
        } else if (m instanceof ServerMessage.CallConnected c) {
            return c.re();
        } else if (m instanceof ServerMessage.CallEnded e) {
            return e.re();
        } else if (m instanceof ServerMessage.AgentStateChanged s) {
            return s.re();
        } else if (m instanceof ServerMessage.DocumentsAccess a) {
            return a.re();
        }
        return null;
    }
}
