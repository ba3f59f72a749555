package io.github.outboundrelay.core.settings;

import java.util.Optional;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * A request refused, as every surface answers it: the one table of HTTP statuses and error types (WebAdmin's
 * {@code ApiErrors}, the users' API and page), with the message and the field it concerns when there is one (so
 * that a page shows it next to that field).
 *
 * @param type the error type of James's WebAdmin error documents
 */
public record Refusal(int status, Type type, String message, Optional<String> field) {

    /** The {@code type} of James's WebAdmin error documents (its {@code ErrorResponder.ErrorType}, by name). */
    public enum Type {
        INVALID_ARGUMENT("InvalidArgument"),
        NOT_FOUND("notFound"),
        WRONG_STATE("WrongState"),
        SERVER_ERROR("ServerError");

        private final String asJson;

        Type(String asJson) {
            this.asJson = asJson;
        }

        public String asJson() {
            return asJson;
        }
    }

    /** @return the refusal, or empty when {@code e} is not a refusal but a failure (a 500, its cause logged) */
    public static Optional<Refusal> of(RuntimeException e) {
        if (e instanceof InvalidFieldException invalid) {
            return Optional.of(new Refusal(400, Type.INVALID_ARGUMENT, invalid.getMessage(), Optional.of(invalid.getField())));
        }
        if (e instanceof StoreUnavailableException) {
            return Optional.of(unavailable(e.getMessage()));
        }
        if (e instanceof SendAsSettingsException refused) {
            return Optional.of(of(refused));
        }
        return Optional.empty();
    }

    private static Refusal of(SendAsSettingsException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> notFound(e.getMessage());
            case DOMAIN_NOT_ALLOWED -> new Refusal(403, Type.WRONG_STATE, e.getMessage(), Optional.empty());
            case CONFLICT -> new Refusal(409, Type.WRONG_STATE, e.getMessage(), e.field());
            case RELAY_CHECK_FAILED, OTHER_DOMAIN_REJECTS -> new Refusal(422, Type.INVALID_ARGUMENT, e.getMessage(), e.field());
            case TOO_MANY_REQUESTS -> new Refusal(429, Type.INVALID_ARGUMENT, e.getMessage(), e.field());
            case UNAVAILABLE -> unavailable(e.getMessage());
        };
    }

    public static Refusal notFound(String message) {
        return new Refusal(404, Type.NOT_FOUND, message, Optional.empty());
    }

    /** Nothing was changed: the store or a service cannot be reached now, the client retries. */
    public static Refusal unavailable(String message) {
        return new Refusal(503, Type.SERVER_ERROR, message, Optional.empty());
    }

    public static Refusal serverError(String message) {
        return new Refusal(500, Type.SERVER_ERROR, message, Optional.empty());
    }

    /** The users' API's error document, James's WebAdmin one. */
    public Document document() {
        return new Document(status, type.asJson(), message);
    }

    public record Document(int statusCode, String type, String message) {
    }
}
