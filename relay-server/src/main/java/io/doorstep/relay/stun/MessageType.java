package io.doorstep.relay.stun;

/**
 * The 14-bit STUN message type: method bits M11–M0 interleaved with class bits C1 C0 (RFC 8489 §5, figure 3):
 *
 * <pre>
 *   13 12 11 10  9  8  7  6  5  4  3  2  1  0
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |M |M |M |M |M |C1|M |M |M |C0|M |M |M |M |
 *  |11|10|9 |8 |7 |  |6 |5 |4 |  |3 |2 |1 |0 |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * </pre>
 *
 * <p>The class bits sit in the middle of the method so that STUN (RFC 3489) Binding requests keep value 0x0001.
 * Static and allocation-free so a transport can peek at a raw buffer (e.g. to spot Send indications).
 */
public final class MessageType {

    private MessageType() {
    }

    /** The message type for a method and class; always fits 14 bits. */
    public static int encode(StunMethod method, StunClass messageClass) {
        return encode(method.code(), messageClass);
    }

    /** As {@link #encode(StunMethod, StunClass)} for a raw 12-bit method number. */
    public static int encode(int method, StunClass messageClass) {
        int c = messageClass.bits();
        return (method & 0x000F)          // M0-M3 stay in bits 0-3
                | ((c & 0b01) << 4)        // C0 in bit 4
                | ((method & 0x0070) << 1) // M4-M6 move to bits 5-7
                | ((c & 0b10) << 7)        // C1 in bit 8
                | ((method & 0x0F80) << 2); // M7-M11 move to bits 9-13
    }

    /** The 12-bit method number of a message type (the top two bits of {@code type} are ignored). */
    public static int method(int type) {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    /** The class of a message type. */
    public static StunClass messageClass(int type) {
        return StunClass.fromBits(((type >> 4) & 0b01) | ((type >> 7) & 0b10));
    }
}
