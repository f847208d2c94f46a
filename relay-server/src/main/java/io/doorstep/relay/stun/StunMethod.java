package io.doorstep.relay.stun;

/**
 * A STUN method: a 12-bit number (RFC 8489 §5). A record rather than an enum because a server must be able
 * to decode, log and reject (400) a method it does not know.
 *
 * @param code the method number, 0x000–0xFFF
 */
public record StunMethod(int code) {

    /** RFC 8489 §3. */
    public static final StunMethod BINDING = new StunMethod(0x001);
    /** RFC 8656 §7 (0x002, SharedSecret, was retired by RFC 5389 and is never reused). */
    public static final StunMethod ALLOCATE = new StunMethod(0x003);
    /** RFC 8656 §8. */
    public static final StunMethod REFRESH = new StunMethod(0x004);
    /** RFC 8656 §11 (indication only). */
    public static final StunMethod SEND = new StunMethod(0x006);
    /** RFC 8656 §11 (indication only). */
    public static final StunMethod DATA = new StunMethod(0x007);
    /** RFC 8656 §10. */
    public static final StunMethod CREATE_PERMISSION = new StunMethod(0x008);
    /** RFC 8656 §12. */
    public static final StunMethod CHANNEL_BIND = new StunMethod(0x009);
    /** RFC 6062 §6.1. */
    public static final StunMethod CONNECT = new StunMethod(0x00A);
    /** RFC 6062 §6.1. */
    public static final StunMethod CONNECTION_BIND = new StunMethod(0x00B);
    /** RFC 6062 §6.1 (indication only). */
    public static final StunMethod CONNECTION_ATTEMPT = new StunMethod(0x00C);

    private static final StunMethod[] KNOWN = {
        null, BINDING, null, ALLOCATE, REFRESH, null, SEND, DATA,
        CREATE_PERMISSION, CHANNEL_BIND, CONNECT, CONNECTION_BIND, CONNECTION_ATTEMPT,
    };

    public StunMethod {
        if (code < 0 || code > 0xFFF) {
            throw new IllegalArgumentException("STUN method out of range 0x000-0xFFF: " + code);
        }
    }

    /** The shared constant for a known method (no allocation on the decode path), else a new value. */
    public static StunMethod of(int code) {
        if (code >= 0 && code < KNOWN.length && KNOWN[code] != null) {
            return KNOWN[code];
        }
        return new StunMethod(code);
    }

    /** True for the methods this codec has a name for. */
    public boolean isKnown() {
        return code < KNOWN.length && KNOWN[code] != null;
    }

    /** The registry name (e.g. {@code CHANNEL-BIND}) or the code in hex. */
    public String name() {
        return switch (code) {
            case 0x001 -> "BINDING";
            case 0x003 -> "ALLOCATE";
            case 0x004 -> "REFRESH";
            case 0x006 -> "SEND";
            case 0x007 -> "DATA";
            case 0x008 -> "CREATE-PERMISSION";
            case 0x009 -> "CHANNEL-BIND";
            case 0x00A -> "CONNECT";
            case 0x00B -> "CONNECTION-BIND";
            case 0x00C -> "CONNECTION-ATTEMPT";
            default -> String.format("0x%03X", code);
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
