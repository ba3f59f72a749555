package io.github.outboundrelay.webadmin;

import io.github.outboundrelay.core.InvalidFieldException;
import spark.Request;

/** {@code offset} (default 0) and {@code limit} (default 100, at most 1000) query parameters, 400 naming a bad one. */
record Paging(int offset, int limit) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static Paging of(Request request) {
        return new Paging(number(request, "offset", 0, 0, Integer.MAX_VALUE), number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    private static int number(Request request, String field, int byDefault, int min, int max) {
        String text = request.queryParams(field);
        if (text == null) {
            return byDefault;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new InvalidFieldException(field, "must be a whole number between " + min + " and " + max);
    }
}
