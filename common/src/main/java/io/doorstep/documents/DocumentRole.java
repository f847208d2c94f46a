package io.doorstep.documents;

import java.util.Optional;

/** Who holds a document token: a party of the call, or an operator reading for an audit. */
public enum DocumentRole {
    STATION("station"),
    AGENT("agent"),
    OPERATOR_AUDIT("operator-audit");

    private final String wireName;

    DocumentRole(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the token's {@code role} claim. */
    public String wireName() {
        return wireName;
    }

    public static Optional<DocumentRole> fromWireName(String name) {
        for (DocumentRole r : values()) {
            if (r.wireName.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
