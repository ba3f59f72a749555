package io.github.outboundrelay.webadmin;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import spark.HaltException;
import spark.Route;

/**
 * The admin API's error answers, as James's JSON error documents, with the statuses and types of {@link Refusal}
 * (the table the users' API and page answer with too).
 */
final class ApiErrors {
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiErrors.class);
    private ApiErrors() {
    }

    /**
     * Turns a refused field into a 400 naming it, a refusal of the settings into its status, and a store that cannot
     * be reached into a 503 (nothing was changed: the admin retries), whatever the route.
     */
    static Route validated(Route route) {
        return (request, response) -> {
            try {
                return route.handle(request, response);
            } catch (HaltException e) {
                throw e;
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                if (e instanceof StoreUnavailableException) {
                    // The answer names the operation only; the cause (database details) goes to the server log.
                    // The path comes URL-decoded: %0D%0A would be a line break.
                    LOGGER.warn("outbound-relay admin API: {} {} answered 503", request.requestMethod(),
                        Printable.of(request.pathInfo()), e);
                }
                throw halt(refusal);
            }
        };
    }

    static HaltException notFound(String message) {
        return halt(Refusal.notFound(message));
    }

    static HaltException serverError(String message) {
        return halt(Refusal.serverError(message));
    }

    static HaltException halt(Refusal refusal) {
        return ErrorResponder.builder()
            .statusCode(refusal.status())
            .type(errorType(refusal.type()))
            .message(refusal.message())
            .haltError();
    }

    /** James's own error types, of the same names. */
    static ErrorResponder.ErrorType errorType(Refusal.Type type) {
        return ErrorResponder.ErrorType.valueOf(type.name());
    }
}
