package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;

/** 打印机: prints a document the agent sent (already checked against its SHA-256). */
public interface Printer extends Device {
    /** Prints {@code copies} of {@code document} ({@code mediaType} application/pdf, image/jpeg or image/png). */
    void print(String jobId, byte[] document, String mediaType, int copies) throws DeviceException;

    @Override
    default Devices.Kind kind() {
        return Devices.Kind.PRINTER;
    }
}
