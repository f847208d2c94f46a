package io.doorstep.client;

import io.doorstep.protocol.Devices;
import java.util.concurrent.CompletableFuture;

/**
 * The agent's request for the station's kit: a scan ({@code document-camera}), an ID-card read
 * ({@code idcard-reader}) or a barcode ({@code barcode-scanner}), with a prompt for the staff.
 */
public interface DeviceRequest {
    String callId();

    String requestId();

    Devices.Kind device();

    /** What the agent asked for, in words for the staff (may be null). */
    String prompt();

    /**
     * Uses the device now and sends the result: a scan becomes a document of the call, a card read a
     * {@code device.idcard}, a code a {@code device.barcode}. If the device fails, the agent is told why. Completes
     * when the result is with the server.
     */
    CompletableFuture<Void> perform();

    /** Tells the agent it will not be done, and why (no personal data). */
    CompletableFuture<Void> decline(String reason);
}
