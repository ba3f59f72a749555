package io.github.outboundrelay.core;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.settings.Actor;

/**
 * A configuration event of the audit trail: who ({@link Actor}: the owner on the self-service surface, or an admin)
 * changed what. Never holds a secret: the {@code detail} names a changed password, never its value, and says what
 * other settings became (a relay host, a port, a policy flag).
 *
 * @param user   the owner of the send-as address concerned; empty for domain policy, key rotation and OAuth provider
 *               events
 * @param sendAs the send-as address concerned, if any
 * @param domain the domain whose policy changed, if any
 * @param detail what changed, in words (at most {@link #MAX_DETAIL} characters)
 */
public record SettingsEvent(Instant at, Actor actor, Type type, Optional<Username> user, Optional<MailAddress> sendAs,
                            Optional<Domain> domain, String detail) implements AuditEntry {
    public static final int MAX_DETAIL = 1000;

    public enum Type {
        SEND_AS_ADDED,
        SEND_AS_CHANGED,
        /** By the code mailed to the address, or vouched for by an admin. */
        SEND_AS_VERIFIED,
        /** A verification code was mailed (or the attempt to mail it failed). */
        VERIFICATION_CODE_MAILED,
        /** The relay was tried (connect, TLS, AUTH), on saving or on request: ok, or the reason class of a failure. */
        RELAY_TESTED,
        SEND_AS_REMOVED,
        /** Another user's expired pending entry for the address was replaced by this owner's registration. */
        SEND_AS_TAKEN_OVER,
        DOMAIN_POLICY_CHANGED,
        SECRET_KEYS_ROTATED,
        /** An OAuth provider added or changed (never its client secret: only whether one is set). */
        OAUTH_PROVIDER_SAVED,
        OAUTH_PROVIDER_REMOVED,
        /** The DMARC policy of an address's domain, as seen when the address was saved without a relay. */
        DMARC_POLICY_CHECKED,
        /** The DMARC policy of an address's domain became stricter since the owner was last told: they were told. */
        DMARC_POLICY_HARDENED;

        /** The name the API shows: {@code send-as-added}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public SettingsEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sendAs, "sendAs");
        Objects.requireNonNull(domain, "domain");
        detail = detail == null ? "" : detail;
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }
}
