package io.doorstep.client.devices;

import java.util.Objects;

/** A full-resolution still from the document camera, ready to upload: JPEG, PNG or PDF bytes. */
public record Scan(byte[] bytes, String mediaType, String filename) {
    public Scan {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(filename, "filename");
    }
}
