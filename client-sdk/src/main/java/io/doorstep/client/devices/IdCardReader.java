package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;
import java.time.Duration;

/** 读卡器: reads the resident ID card placed on it, waiting up to {@code timeout} for one. Personal data. */
public interface IdCardReader extends Device {
    Devices.IdCard read(Duration timeout) throws DeviceException;

    @Override
    default Devices.Kind kind() {
        return Devices.Kind.IDCARD_READER;
    }
}
