package io.doorstep.relay.stun;

/**
 * The catalogue of STUN/TURN error codes a relay sends or receives, with the RFC's reason phrases
 * (IANA "STUN Error Codes" registry).
 */
public final class ErrorCodes {

    /** RFC 8489 §14.8: go to ALTERNATE-SERVER. */
    public static final int TRY_ALTERNATE = 300;
    /** RFC 8489 §14.8: malformed request. */
    public static final int BAD_REQUEST = 400;
    /** RFC 8489 §14.8: missing or wrong credentials. */
    public static final int UNAUTHENTICATED = 401;
    /** RFC 8656 §19: request refused by policy (e.g. a peer address the server will not relay to). */
    public static final int FORBIDDEN = 403;
    /** RFC 8016 (mobility); listed so a response carrying it decodes with its name. */
    public static final int MOBILITY_FORBIDDEN = 405;
    /** RFC 8489 §14.8: comprehension-required attribute not understood; lists them in UNKNOWN-ATTRIBUTES. */
    public static final int UNKNOWN_ATTRIBUTE = 420;
    /** RFC 8656 §19: request needs an allocation and there is none, or Allocate with one already there. */
    public static final int ALLOCATION_MISMATCH = 437;
    /** RFC 8489 §14.8: the NONCE expired; retry with the new one. */
    public static final int STALE_NONCE = 438;
    /** RFC 8656 §19. */
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    /** RFC 8656 §19: credentials differ from the ones that created the allocation. */
    public static final int WRONG_CREDENTIALS = 441;
    /** RFC 8656 §19. */
    public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
    /** RFC 8656 §19. */
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    /** RFC 6062 §6.3. */
    public static final int CONNECTION_ALREADY_EXISTS = 446;
    /** RFC 6062 §6.3. */
    public static final int CONNECTION_TIMEOUT_OR_FAILURE = 447;
    /** RFC 8656 §19. */
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    /** RFC 8489 §14.8. */
    public static final int SERVER_ERROR = 500;
    /** RFC 8656 §19. */
    public static final int INSUFFICIENT_CAPACITY = 508;

    private ErrorCodes() {
    }

    /** The RFC's reason phrase for a code, or a generic one for codes not in this catalogue. */
    public static String reasonPhrase(int code) {
        return switch (code) {
            case TRY_ALTERNATE -> "Try Alternate";
            case BAD_REQUEST -> "Bad Request";
            case UNAUTHENTICATED -> "Unauthenticated";
            case FORBIDDEN -> "Forbidden";
            case MOBILITY_FORBIDDEN -> "Mobility Forbidden";
            case UNKNOWN_ATTRIBUTE -> "Unknown Attribute";
            case ALLOCATION_MISMATCH -> "Allocation Mismatch";
            case STALE_NONCE -> "Stale Nonce";
            case ADDRESS_FAMILY_NOT_SUPPORTED -> "Address Family not Supported";
            case WRONG_CREDENTIALS -> "Wrong Credentials";
            case UNSUPPORTED_TRANSPORT_PROTOCOL -> "Unsupported Transport Protocol";
            case PEER_ADDRESS_FAMILY_MISMATCH -> "Peer Address Family Mismatch";
            case CONNECTION_ALREADY_EXISTS -> "Connection Already Exists";
            case CONNECTION_TIMEOUT_OR_FAILURE -> "Connection Timeout or Failure";
            case ALLOCATION_QUOTA_REACHED -> "Allocation Quota Reached";
            case SERVER_ERROR -> "Server Error";
            case INSUFFICIENT_CAPACITY -> "Insufficient Capacity";
            default -> "Error " + code;
        };
    }
}
