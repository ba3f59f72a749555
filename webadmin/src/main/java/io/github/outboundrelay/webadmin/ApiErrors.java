package io.github.outboundrelay.webadmin;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.StoreUnavailableException;
import io.github.outboundrelay.core.settings.SendAsSettingsException;
import spark.HaltException;
import spark.Route;

/**
 * The admin API's error answers, as James's JSON error documents.
 */
final class ApiErrors {
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiErrors.class);
    private ApiErrors() {
    }

    /**
     * Turns a refused field into a 400 naming it, and a store that cannot be reached into a 503 (nothing was
     * changed: the admin retries), whatever the route.
     */
    static Route validated(Route route) {
        return (request, response) -> {
            try {
                return route.handle(request, response);
            } catch (InvalidFieldException e) {
                throw badRequest(e.getMessage());
            } catch (SendAsSettingsException e) {
                throw of(e);
            } catch (StoreUnavailableException e) {
                // The answer names the operation only; the cause (database details) goes to the server log.
                // The path comes URL-decoded: %0D%0A would be a line break.
                LOGGER.warn("outbound-relay admin API: {} {} answered 503", request.requestMethod(),
                    Printable.of(request.pathInfo()), e);
                throw unavailable(e.getMessage());
            }
        };
    }

    /** The settings flow's refusals, as the admin API has always answered them. */
    static HaltException of(SendAsSettingsException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> notFound(e.getMessage());
            case DOMAIN_NOT_ALLOWED -> error(HttpStatus.FORBIDDEN_403, ErrorResponder.ErrorType.WRONG_STATE, e.getMessage());
            case CONFLICT -> conflict(e.getMessage());
            case RELAY_CHECK_FAILED, OTHER_DOMAIN_REJECTS -> error(HttpStatus.UNPROCESSABLE_ENTITY_422, ErrorResponder.ErrorType.INVALID_ARGUMENT,
                e.getMessage());
            case TOO_MANY_REQUESTS -> tooManyRequests(e.getMessage());
            case UNAVAILABLE -> unavailable(e.getMessage());
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

    static HaltException tooManyRequests(String message) {
        return error(HttpStatus.TOO_MANY_REQUESTS_429, ErrorResponder.ErrorType.INVALID_ARGUMENT, message);
    }

    static HaltException unavailable(String message) {
        return error(HttpStatus.SERVICE_UNAVAILABLE_503, ErrorResponder.ErrorType.SERVER_ERROR, message);
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
