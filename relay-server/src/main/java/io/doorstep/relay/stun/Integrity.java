package io.doorstep.relay.stun;

import java.util.Objects;

/**
 * What {@link StunCodec#encode} should sign a message with: the key, and which of MESSAGE-INTEGRITY (HMAC-SHA1,
 * RFC 8489 §14.5) and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6) to append. When both are asked for they are
 * written in that order, the only order in which a receiver reads both. Immutable.
 *
 * <p>The key is the long-term key from {@link LongTermKey} or, for short-term credentials, the OpaqueString'd
 * password's UTF-8 bytes (RFC 8489 §9.1.1).
 */
public final class Integrity {

    private final byte[] key;
    private final boolean sha1;
    private final int sha256Length; // 0 = no MESSAGE-INTEGRITY-SHA256

    private Integrity(byte[] key, boolean sha1, int sha256Length) {
        this.key = Objects.requireNonNull(key, "key").clone();
        this.sha1 = sha1;
        this.sha256Length = sha256Length;
    }

    /** MESSAGE-INTEGRITY only: what RFC 5389 clients (and today's browsers) send and expect. */
    public static Integrity sha1(byte[] key) {
        return new Integrity(key, true, 0);
    }

    /** MESSAGE-INTEGRITY-SHA256 only, full 32 bytes. */
    public static Integrity sha256(byte[] key) {
        return new Integrity(key, false, StunAttribute.MessageIntegritySha256.MAX_LENGTH);
    }

    /** MESSAGE-INTEGRITY-SHA256 truncated to {@code length} bytes: 16–32 in steps of 4 (RFC 8489 §14.6). */
    public static Integrity sha256(byte[] key, int length) {
        if (!StunAttribute.MessageIntegritySha256.isValidLength(length)) {
            throw new IllegalArgumentException(
                    "MESSAGE-INTEGRITY-SHA256 length must be 16-32 in steps of 4: " + length);
        }
        return new Integrity(key, false, length);
    }

    /** Both attributes, for a peer whose algorithm support is not known yet. */
    public static Integrity sha1AndSha256(byte[] key) {
        return new Integrity(key, true, StunAttribute.MessageIntegritySha256.MAX_LENGTH);
    }

    /**
     * What a response to {@code request} should carry: MESSAGE-INTEGRITY-SHA256 (at the request's length) if the
     * request had it, since that is the one {@link StunCodec#verifyIntegrity} checks when both are present;
     * otherwise MESSAGE-INTEGRITY. A response is protected with the attribute the request was (RFC 8489 §9.1.4,
     * §9.2.4), so an RFC 5389 client that knows only SHA-1 gets SHA-1.
     */
    public static Integrity matching(StunMessage request, byte[] key) {
        return request.first(StunAttribute.MessageIntegritySha256.class)
                .map(mi -> sha256(key, mi.hmac().length))
                .orElseGet(() -> sha1(key));
    }

    byte[] key() {
        return key;
    }

    public boolean includesSha1() {
        return sha1;
    }

    /** Length of the MESSAGE-INTEGRITY-SHA256 value, or 0 when it is not included. */
    public int sha256Length() {
        return sha256Length;
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "Integrity[" + (sha1 ? "SHA1" : "") + (sha1 && sha256Length > 0 ? "+" : "")
                + (sha256Length > 0 ? "SHA256/" + sha256Length : "") + "]";
    }
}
