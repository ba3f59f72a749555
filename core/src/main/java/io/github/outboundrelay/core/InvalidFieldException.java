package io.github.outboundrelay.core;

/**
 * A value supplied by an admin or a user is not acceptable; the message always starts with the field's name
 * so that API answers and logs say exactly what to fix.
 */
public class InvalidFieldException extends IllegalArgumentException {
    private final String field;

    public InvalidFieldException(String field, String problem) {
        super("'" + field + "' " + problem);
        this.field = field;
    }

    public String getField() {
        return field;
    }
}
