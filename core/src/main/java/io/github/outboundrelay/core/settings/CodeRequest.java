package io.github.outboundrelay.core.settings;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.JsonBodies.WrongType;

/** The body of a confirmation, {@code {"code": "..."}}: the code mailed to the address. */
public record CodeRequest(@WrongType("is required") String code) {
    public CodeRequest {
        if (code == null || code.isBlank()) {
            throw new InvalidFieldException("code", "is required");
        }
    }

    /** The code of a JSON body (400 naming the field). */
    public static String parse(String body) {
        return JsonBodies.read(body, CodeRequest.class).code();
    }
}
