package io.github.outboundrelay.core.settings;

import java.util.Optional;

import io.github.outboundrelay.core.RelayOutcome;

/**
 * A relay test or a code mail failed: 422 with the reason class of {@link #outcome()} (never what the relay said),
 * about the field to look at again (the password for AUTH trouble, the host for the connection).
 */
public class RelayCheckFailedException extends SendAsSettingsException {
    private final transient RelayOutcome outcome;

    RelayCheckFailedException(String what, RelayOutcome outcome) {
        super(Kind.RELAY_CHECK_FAILED, fieldAtFault(outcome.kind()), what + ": " + reasonClass(outcome.kind()));
        this.outcome = outcome;
    }

    public RelayOutcome outcome() {
        return outcome;
    }

    private static Optional<String> fieldAtFault(RelayOutcome.Kind kind) {
        return switch (kind) {
            case AUTH_REJECTED -> Optional.of("password");
            case UNREACHABLE, TLS_FAILED, NOT_ALLOWED_TARGET, AUTH_NOT_OFFERED -> Optional.of("host");
            case REFUSED, DEFERRED, BUSY, DELIVERED -> Optional.empty();
        };
    }

    /** The reason classes docs/API.md lists, as the API, the page and the audit trail say them. */
    static String reasonClass(RelayOutcome.Kind kind) {
        return switch (kind) {
            case UNREACHABLE -> "unreachable (no SMTP session could be opened to the relay)";
            case TLS_FAILED -> "TLS failed (no TLS offered, or a certificate that is not trusted for that host name)";
            case AUTH_REJECTED -> "AUTH rejected (the relay refused the username and password or OAuth token, or the "
                + "OAuth provider refused the grant)";
            case AUTH_NOT_OFFERED -> "AUTH not offered (the relay offered no SMTP AUTH we can use: it would not check the "
                + "password, nothing is sent through it unauthenticated)";
            case NOT_ALLOWED_TARGET -> "not an allowed target (the relay's port or address is not allowed here)";
            case REFUSED, DEFERRED, BUSY -> "refused (the relay did not accept the mail)";
            case DELIVERED -> "no failure";
        };
    }
}
