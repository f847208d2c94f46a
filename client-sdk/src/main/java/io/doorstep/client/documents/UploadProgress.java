package io.doorstep.client.documents;

/** Hears how much of an upload the relay has confirmed (its offset), after every chunk. */
@FunctionalInterface
public interface UploadProgress {
    UploadProgress NONE = (sent, length) -> {
    };

    void progress(long sent, long length);
}
