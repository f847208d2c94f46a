package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;
import java.time.Duration;

/** 扫描枪: the next code the staff scan, waiting up to {@code timeout}. */
public interface BarcodeScanner extends Device {
    Devices.Barcode read(Duration timeout) throws DeviceException;

    @Override
    default Devices.Kind kind() {
        return Devices.Kind.BARCODE_SCANNER;
    }
}
