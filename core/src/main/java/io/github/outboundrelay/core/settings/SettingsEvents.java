package io.github.outboundrelay.core.settings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SettingsEvent.Type;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.verification.SendAsStatus;

/**
 * Records the configuration events of the audit trail, called by the flows that make the changes once they are done
 * ({@link SendAsSettings}, {@link RelayChecks}, {@link DomainPolicySettings}, {@link OAuthProviderSettings},
 * {@link io.github.outboundrelay.core.secrets.SecretRotation}): one place that decides what an event says. A detail never holds
 * a secret: a new password is named, never shown; a relay test or a code mail tells its outcome as a reason class.
 * Recording never fails the operation it describes (the change is made already).
 */
public class SettingsEvents {
    private static final Logger LOGGER = LoggerFactory.getLogger(SettingsEvents.class);

    private final SettingsEventLog log;
    private final Clock clock;

    @Inject
    public SettingsEvents(SettingsEventLog log) {
        this(log, Clock.systemUTC());
    }

    public SettingsEvents(SettingsEventLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /**
     * A successful save: taken over (when it replaced another user's abandoned pending entry), added or changed (what
     * changed, and the status it has now), and verified when an admin vouched.
     */
    void saved(Actor actor, Optional<SendAsAddress> before, Optional<SendAsAddress> abandoned, SendAsAddress after,
               boolean secretGiven, boolean vouched, SendAsStatus status) {
        abandoned.ifPresent(other -> sendAs(actor, Type.SEND_AS_TAKEN_OVER, after, "from " + other.owner().asString()
            + ", whose pending entry had no valid code any more"));
        String now = "status " + status.name().toLowerCase(Locale.ROOT);
        if (before.isEmpty()) {
            sendAs(actor, Type.SEND_AS_ADDED, after, relayOf(after) + "; " + now);
        } else {
            sendAs(actor, Type.SEND_AS_CHANGED, after, changes(before.get(), after, secretGiven) + "; " + now);
        }
        if (vouched && status == SendAsStatus.VERIFIED) {
            sendAs(actor, Type.SEND_AS_VERIFIED, after, "vouched for by an admin");
        }
    }

    void verifiedByCode(Actor actor, SendAsAddress sendAs) {
        sendAs(actor, Type.SEND_AS_VERIFIED, sendAs, "by the code mailed to the address");
    }

    void removed(Actor actor, Username owner, MailAddress address) {
        record(actor, Type.SEND_AS_REMOVED, Optional.of(owner), Optional.of(address), Optional.empty(), "");
    }

    /** Removed by {@link io.github.outboundrelay.core.users.DeletedUserSweep}: the owner no longer exists in James. */
    public void ownerDeleted(Username owner, MailAddress address) {
        record(Actor.ADMIN, Type.SEND_AS_REMOVED, Optional.of(owner), Optional.of(address), Optional.empty(),
            "by the system: the owner no longer exists in James (deleted user)");
    }

    /** @param failure the reason class when the relay test failed */
    void relayTested(Actor actor, SendAsAddress sendAs, Optional<String> failure) {
        sendAs(actor, Type.RELAY_TESTED, sendAs, serverOf(sendAs.requireRelayAccount()) + ": " + failure.map(reason -> "failed, " + reason).orElse("ok"));
    }

    /** @param failure the reason class when the code mail could not be sent */
    void codeMailed(Actor actor, SendAsAddress sendAs, Optional<String> failure) {
        sendAs(actor, Type.VERIFICATION_CODE_MAILED, sendAs, failure.map(reason -> "failed, " + reason).orElse("sent"));
    }

    /** What the DMARC check saw when an address was saved to be sent by our servers ({@code DmarcPolicy#apiName}). */
    void dmarcChecked(Actor actor, SendAsAddress sendAs, String policy) {
        sendAs(actor, Type.DMARC_POLICY_CHECKED, sendAs, policy);
    }

    /** Recorded by the system (an admin-side event) when the owner was told by a notice mail. */
    void dmarcHardened(SendAsAddress sendAs, String policy) {
        sendAs(Actor.ADMIN, Type.DMARC_POLICY_HARDENED, sendAs, policy + "; the owner was told by a notice mail");
    }

    void policyChanged(Actor actor, DomainRelayPolicy before, DomainRelayPolicy after) {
        List<String> changes = new ArrayList<>();
        changes.add(change("allowed", before.relayAllowed(), after.relayAllowed()));
        changes.add(change("allowInsecure", before.insecureRelayAllowed(), after.insecureRelayAllowed()));
        changes.add(change("allowAlternateAddresses", before.alternateAddressesAllowed(), after.alternateAddressesAllowed()));
        changes.add(change("checkDmarc", before.dmarcCheck(), after.dmarcCheck()));
        record(actor, Type.DOMAIN_POLICY_CHANGED, Optional.empty(), Optional.empty(), Optional.of(after.domain()),
            String.join(", ", changes));
    }

    /** Only admins rotate keys (WebAdmin). The key id is a name, never key material. */
    public void keysRotated(Actor actor, String activeKeyId, int resealed) {
        record(actor, Type.SECRET_KEYS_ROTATED, Optional.empty(), Optional.empty(), Optional.empty(),
            "active key " + activeKeyId + ", " + resealed + " secret(s) (relay passwords, refresh tokens, client secrets) sealed again");
    }

    /** Only admins set providers. Endpoints and the client id are public values; the client secret is only said set. */
    void providerSaved(Actor actor, Optional<OAuthProvider> before, OAuthProvider after) {
        record(actor, Type.OAUTH_PROVIDER_SAVED, Optional.empty(), Optional.empty(), Optional.empty(), after.id() + ": "
            + (before.isEmpty() ? "added" : "changed") + ", token endpoint " + after.tokenEndpoint() + ", client id "
            + after.clientId() + ", client secret " + (after.clientSecret().isPresent() ? "set" : "none")
            + before.filter(after::tokenEndpointMovedFrom).map(moved -> "; token endpoint moved: its accounts must be connected again").orElse(""));
    }

    void providerRemoved(Actor actor, String id) {
        record(actor, Type.OAUTH_PROVIDER_REMOVED, Optional.empty(), Optional.empty(), Optional.empty(), id);
    }

    private static String changes(SendAsAddress before, SendAsAddress after, boolean secretGiven) {
        List<String> changes = new ArrayList<>();
        if (before.hasRelay() != after.hasRelay()) {
            changes.add(change("relay", relayOf(before), relayOf(after)));
        } else if (before.hasRelay()) {
            changes.addAll(relayChanges(before.requireRelayAccount(), after.requireRelayAccount()));
        }
        if (secretGiven && before.hasRelay()) {
            changes.add(after.usesOAuth() ? credentialOf(after.requireRelayAccount()) + " connected" : "password replaced");
        }
        return changes.isEmpty() ? "saved unchanged" : String.join(", ", changes);
    }

    private static List<String> relayChanges(RelayAccount before, RelayAccount after) {
        List<String> changes = new ArrayList<>();
        if (!before.server().host().equals(after.server().host())) {
            changes.add(change("host", before.server().host(), after.server().host()));
        }
        if (before.server().port() != after.server().port()) {
            changes.add(change("port", before.server().port(), after.server().port()));
        }
        if (before.server().security() != after.server().security()) {
            changes.add(change("security", before.server().security(), after.server().security()));
        }
        if (!before.username().equals(after.username())) {
            changes.add(change("username", before.username(), after.username()));
        }
        return changes;
    }

    /** The kind of credential, never its value: "password", or "OAuth grant of <provider>". */
    private static String credentialOf(RelayAccount account) {
        return account.credential() instanceof RelayCredential.OAuth oauth ? "OAuth grant of " + oauth.providerId() : "password";
    }

    private static String change(String field, Object before, Object after) {
        return field + " " + before + " -> " + after;
    }

    /** "host:port SECURITY, username u" (and the credential when it is OAuth), or "none (our servers)". */
    private static String relayOf(SendAsAddress sendAs) {
        return sendAs.relayAccount().map(account -> serverOf(account) + ", username " + account.username()
                + (account.usesOAuth() ? ", " + credentialOf(account) : ""))
            .orElse("none (our servers)");
    }

    private static String serverOf(RelayAccount account) {
        return account.server().host() + ":" + account.server().port() + " " + account.server().security();
    }

    private void sendAs(Actor actor, Type type, SendAsAddress sendAs, String detail) {
        record(actor, type, Optional.of(sendAs.owner()), Optional.of(sendAs.address()), Optional.empty(), detail);
    }

    private void record(Actor actor, Type type, Optional<Username> user, Optional<MailAddress> sendAs,
                        Optional<org.apache.james.core.Domain> domain, String detail) {
        try {
            log.record(new SettingsEvent(clock.instant(), actor, type, user, sendAs, domain, detail));
        } catch (RuntimeException e) {
            // the change is made: an audit store failure must not turn it into an error
            LOGGER.warn("outbound-relay audit: a {} event could not be recorded ({})", type.label(), e.getClass().getSimpleName());
        }
    }
}
