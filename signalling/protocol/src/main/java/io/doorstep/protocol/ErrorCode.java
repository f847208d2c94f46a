package io.doorstep.protocol;

/**
 * Every error the signalling server answers with. The code is the stable contract; the message is for people.
 * Codes are never reused for another meaning.
 */
public enum ErrorCode {
    /** The frame is not valid JSON, or not a JSON object. */
    BAD_JSON,
    /** The {@code type} is missing or not a message this protocol knows. */
    UNKNOWN_TYPE,
    /** A required field is missing. */
    MISSING_FIELD,
    /** A field has a value of the wrong type or outside its allowed range. */
    INVALID_FIELD,
    /** The frame is larger than the configured limit. */
    FRAME_TOO_LARGE,
    /** A device payload (ID-card read, barcode) is larger than its limit. */
    PAYLOAD_TOO_LARGE,
    /** Binary frames are not part of the protocol. */
    UNSUPPORTED_FRAME,
    /** The connection sent more messages than its rate limit allows; the message was dropped. */
    RATE_LIMITED,
    /** A message other than {@code hello} arrived before sign-in; the connection is closed. */
    NOT_SIGNED_IN,
    /** {@code hello} sent twice on one connection. */
    ALREADY_SIGNED_IN,
    /** No {@code hello} arrived within the sign-in timeout. */
    HELLO_TIMEOUT,
    /** The token is malformed, forged, unsigned ({@code alg: none}) or signed with an algorithm not allowed. */
    TOKEN_INVALID,
    /** The token has expired. (A token not valid yet is TOKEN_INVALID.) */
    TOKEN_EXPIRED,
    /** The token's role is missing, unknown, or does not match the directory entry of its subject. */
    ROLE_MISMATCH,
    /** The token's subject is not in the directory. */
    UNKNOWN_IDENTITY,
    /** This role may not send this message type. */
    FORBIDDEN,
    /** The service item code is not in the catalogue. */
    UNKNOWN_SERVICE_ITEM,
    /** No such call, or the sender is not a party to it (call ids are random and unguessable). */
    NOT_IN_CALL,
    /** The station already has a call queued or in progress. */
    ALREADY_IN_CALL,
    /** The message is not allowed in the call's or the agent's current state (e.g. accepting a call not offered to you). */
    INVALID_STATE,
    /** No document of that id in this call (document ids come from document.offered). */
    UNKNOWN_DOCUMENT,
    /** The document is not complete (still uploading, abandoned or deleted), so it cannot be printed. */
    DOCUMENT_NOT_READY,
    /** No print job of that id in this call. */
    UNKNOWN_PRINT_JOB,
    /** The server is draining for shutdown and takes no new calls or sessions. */
    SERVER_DRAINING,
    /**
     * The shared call state (Redis, in a cluster) cannot be reached just now; the message was not applied and no
     * call was created. Calls in progress go on. Try again shortly.
     */
    STATE_UNAVAILABLE,
    /** An unexpected server fault; the message was not applied. */
    INTERNAL
}
