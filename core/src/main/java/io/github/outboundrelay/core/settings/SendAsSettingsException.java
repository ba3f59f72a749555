package io.github.outboundrelay.core.settings;

import java.util.Objects;
import java.util.Optional;

/**
 * A send-as settings request that cannot be done, of a {@link Kind} each surface maps to its HTTP status (bad input
 * is an {@link io.github.outboundrelay.core.InvalidFieldException} instead, a 400 naming the field). The message is
 * meant for the person who asked: it never holds a secret nor what a relay answered.
 */
public class SendAsSettingsException extends RuntimeException {
    public enum Kind {
        /** 404: no such address for that user. */
        NOT_FOUND,
        /** 403: the user's domain does not allow outbound relay. */
        DOMAIN_NOT_ALLOWED,
        /** 409: held by another user, already verified, nothing to confirm, locked. */
        CONFLICT,
        /** 422: the relay test or the verification mail failed (a reason class, never the relay's reply). */
        RELAY_CHECK_FAILED,
        /**
         * 422: the address's domain publishes a DMARC policy of {@code p=reject}, so its mail must go through that
         * domain's SMTP server, not ours (the message says so and what to do).
         */
        OTHER_DOMAIN_REJECTS,
        /** 429: too many verification mails or relay tests. */
        TOO_MANY_REQUESTS,
        /** 503: no delivery mailet is running to check relays. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final Optional<String> field;

    public SendAsSettingsException(Kind kind, String message) {
        this(kind, Optional.empty(), message);
    }

    /** @param field the request field the refusal is about, so that a page can show it next to that field */
    public SendAsSettingsException(Kind kind, Optional<String> field, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = Objects.requireNonNull(field, "field");
    }

    public Kind kind() {
        return kind;
    }

    public Optional<String> field() {
        return field;
    }
}
