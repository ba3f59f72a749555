package io.github.outboundrelay.core.settings;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * How the settings try relays and mail verification codes, through the {@link RelayConnector} the delivery uses too,
 * so that a relay is judged by the rules that will deliver its mail. A failure is a {@link RelayCheckFailedException}
 * holding the {@link RelayOutcome}, whose message gives its reason class (unreachable, TLS failed, AUTH rejected, not
 * an allowed target, refused): what the relay said is logged for the admin, never echoed, so the API cannot be used to
 * read banners of hosts it should not reach.
 */
class RelayChecks {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayChecks.class);

    private final RelayConnector connector;
    private final SendAsVerifier verifier;
    private final RelayLogins logins;
    private final SettingsRateLimits limits;
    private final SettingsEvents events;

    RelayChecks(RelayConnector connector, SendAsVerifier verifier, RelayLogins logins, SettingsRateLimits limits,
                SettingsEvents events) {
        this.connector = connector;
        this.verifier = verifier;
        this.logins = logins;
        this.limits = limits;
        this.events = events;
    }

    /** Refuses (400 naming port or host) a relay the delivery would never connect to. */
    void checkTarget(RelayServer relay) {
        connector.checkTarget(relay);
    }

    /**
     * Connect, TLS, AUTH (with the password, or an access token of the grant), no mail; a probe tried (not refused by
     * the limits) is recorded in the audit trail.
     */
    void requireWorkingRelay(Actor actor, SendAsAddress sendAs, RelayLogin login) {
        limits.acquireProbe(sendAs);
        RelayOutcome result = connector.probe(sendAs, login);
        events.relayTested(actor, sendAs, failureOf(result));
        refuseOnFailure(sendAs, result, "The relay test failed");
    }

    /**
     * Issues a new code for a pending address and mails it to the address; a mail tried is recorded in the audit trail.
     *
     * @param throughItsRelay whether the address's relay may carry its mail now: only then may the delivery's
     *                        {@code relay.verificationMail=relay} send the code through it
     */
    void sendCode(Actor actor, SendAsAddress sendAs, boolean throughItsRelay) {
        limits.acquireCodeMail(sendAs);
        String code;
        try {
            code = verifier.issueCode(sendAs);
        } catch (SendAsVerifier.TooManyCodesException e) {
            throw new SendAsSettingsException(Kind.TOO_MANY_REQUESTS, e.getMessage());
        }
        // The stored credential is opened only when the code goes through the relay: not for the mailbox route.
        RelayOutcome result = connector.sendVerificationCode(sendAs,
            throughItsRelay && connector.mailsCodesThroughRelays() ? Optional.of(login(sendAs)) : Optional.empty(), code);
        events.codeMailed(actor, sendAs, failureOf(result));
        refuseOnFailure(sendAs, result,
            "The verification mail could not be sent (the address stays pending; ask again with POST "
                + ".../verification)");
    }

    /**
     * The stored credential ready to use; 400 naming {@code password} when it no longer opens (key file lost, data
     * damaged), {@code provider} when the address's OAuth provider was removed.
     */
    RelayLogin login(SendAsAddress sendAs) {
        try {
            return logins.loginFor(sendAs);
        } catch (RelayLogins.UnusableCredentialException e) {
            LOGGER.warn("outbound-relay: the stored credential of {} cannot be used: {}", sendAs.address().asString(),
                e.getMessage());
            throw new InvalidFieldException(e.field(), "password".equals(e.field())
                ? "is required: the stored one can no longer be opened on this server (its sealing key is missing)"
                : "is no longer set up on this server: connect the account again");
        }
    }

    private static void refuseOnFailure(SendAsAddress sendAs, RelayOutcome result, String what) {
        if (result.succeeded()) {
            return;
        }
        LOGGER.info("outbound-relay: relay check of {} via {} failed ({}): {}", sendAs.address().asString(),
            sendAs.relayAccount().map(account -> account.server().host()).orElse("our servers"), result.kind(),
            result.detail());
        throw new RelayCheckFailedException(what, result);
    }

    private static Optional<String> failureOf(RelayOutcome result) {
        return result.succeeded() ? Optional.empty() : Optional.of(RelayCheckFailedException.reasonClass(result.kind()));
    }
}
