package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A station's five-piece kit. Any device may be null (not installed); the camera here is the device whose health
 * is reported, the call's video comes from the video feed given to the media.
 */
public record Kit(DocumentCamera documentCamera, IdCardReader idCardReader, BarcodeScanner barcodeScanner,
                  Printer printer, Device camera) implements AutoCloseable {
    /** No devices at all. */
    public static final Kit NONE = new Kit(null, null, null, null, null);

    public List<Device> devices() {
        return Stream.of(documentCamera, idCardReader, barcodeScanner, printer, camera).filter(Objects::nonNull)
                .toList();
    }

    /** The health of every installed device, as {@code device.status} reports it. */
    public List<Devices.Health> health() {
        return devices().stream().map(Device::health).toList();
    }

    @Override
    public void close() {
        devices().forEach(Device::close);
    }
}
