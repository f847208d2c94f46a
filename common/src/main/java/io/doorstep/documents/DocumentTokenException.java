package io.doorstep.documents;

/** A document token was refused; the message says why (never the token itself). */
public final class DocumentTokenException extends Exception {
    public DocumentTokenException(String message) {
        super(message);
    }
}
