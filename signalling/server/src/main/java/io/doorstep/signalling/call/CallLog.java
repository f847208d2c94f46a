package io.doorstep.signalling.call;

import java.io.Closeable;
import java.io.IOException;

/** The durable record of every call transition and document event. Appends are in order and survive a crash once returned. */
public interface CallLog extends Closeable {
    void append(Entry entry) throws IOException;

    /** One line of the call log. */
    sealed interface Entry permits CallLogEntry, DocumentLogEntry {
    }
}
