package io.github.outboundrelay.webadmin;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.eclipse.jetty.http.HttpStatus;

import io.github.outboundrelay.core.InvalidFieldException;
import spark.HaltException;
import spark.Route;

/**
 * The admin API's error answers, as James's JSON error documents.
 */
final class ApiErrors {
    private ApiErrors() {
    }

    /** Turns a refused field into a 400 naming it, whatever the route. */
    static Route validated(Route route) {
        return (request, response) -> {
            try {
                return route.handle(request, response);
            } catch (InvalidFieldException e) {
                throw badRequest(e.getMessage());
            }
        };
    }

    static HaltException badRequest(String message) {
        return error(HttpStatus.BAD_REQUEST_400, ErrorResponder.ErrorType.INVALID_ARGUMENT, message);
    }

    static HaltException notFound(String message) {
        return error(HttpStatus.NOT_FOUND_404, ErrorResponder.ErrorType.NOT_FOUND, message);
    }

    static HaltException conflict(String message) {
        return error(HttpStatus.CONFLICT_409, ErrorResponder.ErrorType.WRONG_STATE, message);
    }

    static HaltException serverError(String message) {
        return error(HttpStatus.INTERNAL_SERVER_ERROR_500, ErrorResponder.ErrorType.SERVER_ERROR, message);
    }

    private static HaltException error(int status, ErrorResponder.ErrorType type, String message) {
        return ErrorResponder.builder()
            .statusCode(status)
            .type(type)
            .message(message)
            .haltError();
    }
}
