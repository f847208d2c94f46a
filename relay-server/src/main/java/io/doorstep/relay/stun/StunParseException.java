package io.doorstep.relay.stun;

/**
 * Bytes that are not a well-formed STUN message. The only exception {@link StunCodec#decode} throws, whatever the
 * input.
 *
 * <p>Carries no stack trace: it is thrown for ordinary bad input from the network, and filling one in for every
 * bogus datagram would hand an attacker cheap CPU. Carries the header when it got that far, so a server can answer
 * a malformed request with 400 (RFC 8489 §6.3) instead of dropping it.
 */
public final class StunParseException extends Exception {

    /** What was wrong. */
    public enum Reason {
        /** Fewer bytes than a header (20), or than the header's length field announces. */
        TRUNCATED,
        /** The two most significant bits are not 0 (RFC 8489 §5): ChannelData, RTP, DTLS, anything else. */
        NOT_STUN,
        /** The magic cookie at offset 4 is not 0x2112A442 (RFC 8489 §5): an RFC 3489 client, or noise. */
        BAD_MAGIC_COOKIE,
        /** The length field is not a multiple of 4, or the buffer holds bytes beyond it (RFC 8489 §5). */
        BAD_LENGTH,
        /**
         * An attribute's value, with its padding to 4 bytes, runs past the end of the message (RFC 8489 §14). This
         * also covers bad padding: since the message length is a multiple of 4 and attributes start aligned, the
         * padding of a value can only be missing when the value itself overruns. Padding bytes may hold anything.
         */
        ATTRIBUTE_OVERRUN,
        /** A known attribute whose value has the wrong size or content (family, UTF-8, length limit, class...). */
        MALFORMED_ATTRIBUTE,
        /** An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7). */
        ATTRIBUTE_AFTER_FINGERPRINT,
    }

    private final Reason reason;
    private final StunClass messageClass;
    private final StunMethod method;
    private final TransactionId transactionId;

    StunParseException(Reason reason, String detail) {
        this(reason, detail, null, null, null);
    }

    StunParseException(Reason reason, String detail, StunClass messageClass, StunMethod method,
                       TransactionId transactionId) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
        this.messageClass = messageClass;
        this.method = method;
        this.transactionId = transactionId;
    }

    public Reason reason() {
        return reason;
    }

    /** True when the 20-byte header was valid, so class, method and transaction ID are known. */
    public boolean hasHeader() {
        return transactionId != null;
    }

    /** The class from the header, or null when {@link #hasHeader()} is false. */
    public StunClass messageClass() {
        return messageClass;
    }

    /** The method from the header, or null when {@link #hasHeader()} is false. */
    public StunMethod method() {
        return method;
    }

    /** The transaction ID from the header, or null when {@link #hasHeader()} is false. */
    public TransactionId transactionId() {
        return transactionId;
    }
}
