package io.doorstep.client;

import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.ServerMessage;

/** What a station terminal hears. Every method has a no-op default; all run on the client's event thread. */
public interface StationListener extends CallListener {
    /** The call waits: its place in line, the estimated wait (null: no agent on duty) and whether it rings. */
    default void queued(ServerMessage.CallQueued queued) {
    }

    /**
     * The agent asks for a scan, an ID-card read or a barcode: prompt the staff with {@link DeviceRequest#prompt()},
     * then {@link DeviceRequest#perform()} once the document lies under the camera (or the card is on the reader),
     * or {@link DeviceRequest#decline(String)}. Left unanswered, the agent waits.
     */
    default void deviceRequested(DeviceRequest request) {
    }

    /** A print job arrived; the SDK fetches, checks, prints it on the kit's printer and reports. */
    default void printJob(ServerMessage.PrintJob job) {
    }

    /** What became of a print job, as reported to the agent ({@code reason} when it failed). */
    default void printed(String jobId, PrintStatus status, String reason) {
    }
}
