package io.doorstep.relay.document;

import java.util.Base64;

/** A tus {@code Upload-Checksum}: the SHA-256 the body of one PATCH must have. */
record Checksum(byte[] sha256) {
    static final String ALGORITHM = "sha256";

    /** Parses {@code sha256 <base64>}; null when the header is absent. */
    static Checksum parse(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split(" ");
        if (parts.length != 2 || !parts[0].equals(ALGORITHM)) {
            throw DocumentError.BAD_REQUEST.with("Upload-Checksum: only '" + ALGORITHM + " <base64>' is supported");
        }
        try {
            byte[] digest = Base64.getDecoder().decode(parts[1]);
            if (digest.length != 32) {
                throw DocumentError.BAD_REQUEST.with("Upload-Checksum: a SHA-256 has 32 bytes");
            }
            return new Checksum(digest);
        } catch (IllegalArgumentException e) {
            throw DocumentError.BAD_REQUEST.with("Upload-Checksum: the digest is not base64");
        }
    }
}
