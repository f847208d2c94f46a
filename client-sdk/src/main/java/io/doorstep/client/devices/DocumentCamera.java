package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;

/** 高拍仪: takes a full-resolution still of what lies under it (not a frame grabbed from the video). */
public interface DocumentCamera extends Device {
    Scan capture() throws DeviceException;

    @Override
    default Devices.Kind kind() {
        return Devices.Kind.DOCUMENT_CAMERA;
    }
}
