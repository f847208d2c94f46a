package io.doorstep.relay.document;

/** A request refused: the error from the catalogue and a message for the client (no personal data). */
final class DocumentException extends RuntimeException {
    private final DocumentError error;

    DocumentException(DocumentError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    DocumentError error() {
        return error;
    }
}
