package io.doorstep.relay.document;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A document's id: 144 random bits, base64url, 24 characters. Unguessable, and the only part of a request that
 * becomes part of a file name, so its form is checked before anything else uses it.
 */
record DocumentId(String value) {
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{24}");
    private static final SecureRandom RANDOM = new SecureRandom();

    DocumentId {
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("not a document id");
        }
    }

    static Optional<DocumentId> parse(String text) {
        return FORM.matcher(text).matches() ? Optional.of(new DocumentId(text)) : Optional.empty();
    }

    static DocumentId random() {
        byte[] bits = new byte[18];
        RANDOM.nextBytes(bits);
        return new DocumentId(Base64.getUrlEncoder().withoutPadding().encodeToString(bits));
    }

    @Override
    public String toString() {
        return value;
    }
}
