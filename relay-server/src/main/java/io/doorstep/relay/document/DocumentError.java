package io.doorstep.relay.document;

/** Every error the document relay answers with: its HTTP status and the code in the JSON body. */
enum DocumentError {
    BAD_REQUEST(400, "bad_request"),
    TOKEN_REQUIRED(401, "token_required"),
    SIGNATURE_REQUIRED(401, "signature_required"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    OFFSET_MISMATCH(409, "offset_mismatch"),
    GONE(410, "gone"),
    UNSUPPORTED_VERSION(412, "unsupported_version"),
    TOO_LARGE(413, "too_large"),
    UNSUPPORTED_TYPE(415, "unsupported_type"),
    CHECKSUM_MISMATCH(460, "checksum_mismatch"),
    INTERNAL(500, "internal");

    private final int status;
    private final String code;

    DocumentError(int status, String code) {
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    DocumentException with(String message) {
        return new DocumentException(this, message);
    }
}
