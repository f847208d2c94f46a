package io.doorstep.protocol;

import java.util.List;

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

    /** An optional number ({@code null} passes) within {@code min..max}; NaN and infinities fail. */
    static Double range(Double value, String field, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw new FieldException(ErrorCode.INVALID_FIELD,
                    "field '" + field + "' must be between " + number(min) + " and " + number(max));
        }
        return value;
    }

    /** An optional count ({@code null} passes) that must not be negative. */
    static Long nonNegative(Long value, String field) {
        if (value != null) {
            nonNegative(value.longValue(), field);
        }
        return value;
    }

    /** An optional string ({@code null} passes) that must be one of {@code allowed}. */
    static String oneOf(String value, String field, List<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw new FieldException(ErrorCode.INVALID_FIELD,
                    "field '" + field + "' must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new FieldException(ErrorCode.INVALID_FIELD, message);
        }
    }
}
