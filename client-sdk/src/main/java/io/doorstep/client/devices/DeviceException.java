package io.doorstep.client.devices;

/**
 * A device could not do what was asked. The message is shown to the agent (as {@code device.declined}) and logged,
 * so it must say what went wrong with the device, never what was on a card or a document.
 */
public final class DeviceException extends Exception {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
