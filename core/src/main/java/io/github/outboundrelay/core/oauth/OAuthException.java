package io.github.outboundrelay.core.oauth;

/**
 * An OAuth request that did not give a token, with what the caller should do about it. Its message holds the
 * provider's error code and description, never a token, code, verifier or secret.
 */
public class OAuthException extends Exception {
    public enum Kind {
        /**
         * {@code invalid_grant}: the refresh token (or code) is no longer good (revoked, expired, password changed).
         * Nothing but the user connecting the account again fixes it: handled like a refused password.
         */
        RECONNECT_NEEDED,
        /** Endpoint unreachable, timed out, {@code 5xx} or {@code 429}: retry later, like a relay outage. */
        TEMPORARY,
        /** The provider refused our client or request ({@code invalid_client}, {@code invalid_scope}, ...): the admin's to fix. */
        MISCONFIGURED,
        /** The user denied access, or a device code expired before the user acted. */
        DENIED
    }

    private final Kind kind;
    private final String errorCode;

    public OAuthException(Kind kind, String errorCode, String message) {
        super(message);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    public OAuthException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = "";
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's {@code error} (e.g. {@code invalid_grant}), empty when it gave none. */
    public String errorCode() {
        return errorCode;
    }
}
