package io.doorstep.relay.document;

import java.util.Arrays;
import java.util.Optional;

/** The document types the relay accepts, recognised by their first bytes, never by a name or a client's claim. */
enum DocumentType {
    JPEG("image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}),
    PDF("application/pdf", new byte[] {'%', 'P', 'D', 'F', '-'});

    /** How many leading bytes decide the type; a shorter document cannot be one of these. */
    static final int SNIFF_BYTES = 8;

    private final String mediaType;
    private final byte[] magic;

    DocumentType(String mediaType, byte[] magic) {
        this.mediaType = mediaType;
        this.magic = magic;
    }

    String mediaType() {
        return mediaType;
    }

    /** The type whose magic bytes {@code head} starts with; empty when none does. */
    static Optional<DocumentType> sniff(byte[] head) {
        return Arrays.stream(values())
                .filter(t -> head.length >= t.magic.length
                        && Arrays.equals(head, 0, t.magic.length, t.magic, 0, t.magic.length))
                .findFirst();
    }

    /** Whether {@code mediaType} (a client's claim in Upload-Metadata) names an accepted type. */
    static boolean accepts(String mediaType) {
        return Arrays.stream(values()).anyMatch(t -> t.mediaType.equals(mediaType));
    }
}
