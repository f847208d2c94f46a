package io.doorstep.documents;

import java.util.Optional;

/** What a document token allows: {@code upload} (create, write, terminate) and {@code read} (download). */
public enum DocumentPermission {
    UPLOAD("upload"),
    READ("read");

    private final String wireName;

    DocumentPermission(String wireName) {
        this.wireName = wireName;
    }

    /** The value in the token's {@code perm} claim. */
    public String wireName() {
        return wireName;
    }

    public static Optional<DocumentPermission> fromWireName(String name) {
        for (DocumentPermission p : values()) {
            if (p.wireName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
