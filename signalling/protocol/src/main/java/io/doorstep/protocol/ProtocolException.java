package io.doorstep.protocol;

/** A message that cannot be accepted, with the code to answer and the request id when one could be read. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;
    private final String requestId;

    public ProtocolException(ErrorCode code, String requestId, String message) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code id} of the offending request, or null when it had none or could not be read. */
    public String requestId() {
        return requestId;
    }
}
