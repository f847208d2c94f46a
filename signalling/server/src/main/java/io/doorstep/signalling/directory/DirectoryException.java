package io.doorstep.signalling.directory;

/** The directory or catalogue file is invalid; the message says what to fix. */
public final class DirectoryException extends RuntimeException {
    public DirectoryException(String message) {
        super(message);
    }

    public DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new DirectoryException(message);
        }
    }
}
