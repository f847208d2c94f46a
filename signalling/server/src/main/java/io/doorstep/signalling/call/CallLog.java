package io.doorstep.signalling.call;

import java.io.Closeable;
import java.io.IOException;

/** The durable record of every call transition. Appends are in order and survive a crash once returned. */
public interface CallLog extends Closeable {
    void append(CallLogEntry entry) throws IOException;
}
