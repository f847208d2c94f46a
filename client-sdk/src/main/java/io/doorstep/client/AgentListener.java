package io.doorstep.client;

import io.doorstep.protocol.ServerMessage;

/** What an agent console hears. Every method has a no-op default; all run on the client's event thread. */
public interface AgentListener extends CallListener {
    /** The agent's state, as the server has it (the truth: after sign-in, on every change). */
    default void stateChanged(ServerMessage.AgentStateChanged state) {
    }

    /** A call rings: accept or reject it within {@code ringTimeoutMs}. */
    default void offered(ServerMessage.CallOffer offer) {
    }

    /** The ringing call is no longer offered (timeout, cancelled, the station went away ...). */
    default void offerWithdrawn(ServerMessage.OfferWithdrawn withdrawn) {
    }

    /** The station's ID-card read. Personal data: show it while the call lasts, never log or keep it. */
    default void idCard(ServerMessage.IdCardRead read) {
    }

    /** A code the station scanned. */
    default void barcode(ServerMessage.BarcodeScan scan) {
    }

    /** The station could not carry out a device request. */
    default void deviceDeclined(ServerMessage.DeviceDeclined declined) {
    }

    /** The station's outcome of a print job. */
    default void printResult(ServerMessage.PrintResult result) {
    }
}
