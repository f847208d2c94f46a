package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;

/**
 * One device of a station's five-piece kit. Implementations report their health and, when it changes, tell the
 * listener given to {@link #onHealthChange}: the station client then reports the whole kit to the server.
 */
public interface Device extends AutoCloseable {
    Devices.Kind kind();

    /** The health now; cheap enough to call at every sign-in. Never holds personal data. */
    Devices.Health health();

    /** Called (on any thread) whenever {@link #health()} may have changed. */
    default void onHealthChange(Runnable listener) {
    }

    @Override
    default void close() {
    }
}
