package io.github.outboundrelay.selfservice;

import java.util.Optional;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.StoreUnavailableException;
import io.github.outboundrelay.core.settings.SendAsSettingsException;

/**
 * A request the settings refused, as both the API and the page show it: the admin API's status codes, error types
 * and messages, and the field it concerns when there is one (so that the page shows it next to that field).
 */
record Refusal(int status, String type, String message, Optional<String> field) {

    /** @return the refusal, or empty when {@code e} is not a refusal but a failure */
    static Optional<Refusal> of(RuntimeException e) {
        if (e instanceof InvalidFieldException invalid) {
            return Optional.of(new Refusal(400, "InvalidArgument", invalid.getMessage(), Optional.of(invalid.getField())));
        }
        if (e instanceof StoreUnavailableException) {
            return Optional.of(new Refusal(503, "ServerError", e.getMessage(), Optional.empty()));
        }
        if (e instanceof SendAsSettingsException refused) {
            return Optional.of(switch (refused.kind()) {
                case NOT_FOUND -> new Refusal(404, "notFound", e.getMessage(), Optional.empty());
                case DOMAIN_NOT_ALLOWED -> new Refusal(403, "WrongState", e.getMessage(), Optional.empty());
                case CONFLICT -> new Refusal(409, "WrongState", e.getMessage(), refused.field());
                case RELAY_CHECK_FAILED, OTHER_DOMAIN_REJECTS -> new Refusal(422, "InvalidArgument", e.getMessage(), refused.field());
                case TOO_MANY_REQUESTS -> new Refusal(429, "InvalidArgument", e.getMessage(), refused.field());
                case UNAVAILABLE -> new Refusal(503, "ServerError", e.getMessage(), Optional.empty());
            });
        }
        return Optional.empty();
    }

    /** The admin API's error document. */
    ErrorDocument document() {
        return new ErrorDocument(status, type, message);
    }

    record ErrorDocument(int statusCode, String type, String message) {
    }
}
