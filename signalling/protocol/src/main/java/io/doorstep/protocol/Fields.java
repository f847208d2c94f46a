package io.doorstep.protocol;

/** Validation used by message constructors, so a decoded message is always complete. */
final class Fields {
    private Fields() {
    }

    /** Thrown by a message constructor for a missing or invalid field; the codec maps it to an error code. */
    static final class FieldException extends IllegalArgumentException {
        final ErrorCode code;

        FieldException(ErrorCode code, String message) {
            super(message, null);
            this.code = code;
        }
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw new FieldException(ErrorCode.MISSING_FIELD, "missing field '" + field + "'");
        }
        return value;
    }

    static String requiredText(String value, String field, int maxLength) {
        required(value, field);
        if (value.isBlank()) {
            throw new FieldException(ErrorCode.MISSING_FIELD, "field '" + field + "' is empty");
        }
        return maxLength(value, field, maxLength);
    }

    static String maxLength(String value, String field, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw new FieldException(ErrorCode.INVALID_FIELD,
                    "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new FieldException(ErrorCode.INVALID_FIELD, "field '" + field + "' must not be negative");
        }
        return value;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new FieldException(ErrorCode.INVALID_FIELD, message);
        }
    }
}
