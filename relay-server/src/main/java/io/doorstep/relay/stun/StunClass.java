package io.doorstep.relay.stun;

/**
 * The class of a STUN message: the two bits C1 C0 of the message type (RFC 8489 §5, §6).
 */
public enum StunClass {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS_RESPONSE(0b10),
    ERROR_RESPONSE(0b11);

    private static final StunClass[] BY_BITS = {REQUEST, INDICATION, SUCCESS_RESPONSE, ERROR_RESPONSE};

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    /** The two-bit value C1 C0 (0–3). */
    public int bits() {
        return bits;
    }

    /** The class for C1 C0; only the low two bits of {@code bits} are used. */
    public static StunClass fromBits(int bits) {
        return BY_BITS[bits & 0b11];
    }

    public boolean isResponse() {
        return this == SUCCESS_RESPONSE || this == ERROR_RESPONSE;
    }
}
