package io.github.outboundrelay.core.settings;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

import io.github.outboundrelay.core.DomainRelayPolicies;
import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.RelayProbes;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.InMemoryOAuthProviders;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthProviders;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.oauth.SendAsOAuthGrant;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * The one send-as settings flow, behind every surface (WebAdmin, the users' self-service API): list, read, save,
 * remove, verify and test a user's send-as addresses. Saving tries the relay (connect, TLS, AUTH) and then, unless an
 * admin vouched, has a one-time code mailed to the address; the address stays pending until the code is confirmed.
 * Writes (save, resendCode, confirm, test) need the owner's domain to allow outbound relay (DOMAIN_NOT_ALLOWED);
 * reading and removing do not. An address is held by one user; another user's pending entry whose code expired (or
 * that never got one) no longer holds it: a new registration takes it over.
 * Each change made, relay test and code mail tried is recorded in the audit trail by {@link SettingsEvents}.
 * The caller has already established who {@code owner} is (an existing James user). Errors are
 * {@link InvalidFieldException} (400, names the field) or {@link SendAsSettingsException} of a kind.
 */
public class SendAsSettings {
    private final SendAsRegistry registry;
    private final DomainRelayPolicies policies;
    private final DomainList domainList;
    private final SecretSealer sealer;
    private final SendAsVerifier verifier;
    private final RelayChecks checks;
    private final AccessTokenCache tokens;
    private final OAuthProviders providers;
    private final SettingsEvents events;

    @Inject
    public SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                          SendAsVerifier verifier, RelayProbes probes, OAuthProviders providers, AccessTokenCache tokens,
                          SettingsEvents events) {
        this(registry, policies, domainList, sealer, verifier, probes, providers, tokens, events, Clock.systemUTC());
    }

    /** Password addresses only (no OAuth provider is set). */
    public SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                          SendAsVerifier verifier, RelayProbes probes, SettingsEvents events) {
        this(registry, policies, domainList, sealer, verifier, probes, events, Clock.systemUTC());
    }

    SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                   SendAsVerifier verifier, RelayProbes probes, SettingsEvents events, Clock clock) {
        this(registry, policies, domainList, sealer, verifier, probes, new InMemoryOAuthProviders(),
            new AccessTokenCache(new OAuthTokenClient(sealer, OAuthEndpointPolicy.httpsOnly(), Duration.ofSeconds(30), clock),
                clock, AccessTokenCache.DEFAULT_MARGIN), events, clock);
    }

    SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                   SendAsVerifier verifier, RelayProbes probes, OAuthProviders providers, AccessTokenCache tokens,
                   SettingsEvents events, Clock clock) {
        this.registry = registry;
        this.policies = policies;
        this.domainList = domainList;
        this.sealer = sealer;
        this.verifier = verifier;
        this.tokens = tokens;
        this.providers = providers;
        this.events = events;
        this.checks = new RelayChecks(probes, verifier, new RelayLogins(sealer, registry, providers),
            new SettingsRateLimits(clock), events);
    }

    public List<SendAsView> list(Username owner) {
        return registry.listOwnedBy(owner).stream().map(this::view).toList();
    }

    /** @throws SendAsSettingsException NOT_FOUND when {@code owner} has no such address */
    public SendAsView get(Username owner, MailAddress address) {
        return view(owned(owner, address));
    }

    /** The policy of the owner's domain: whether its users may relay (and without TLS). */
    public DomainRelayPolicy policyOf(Username owner) {
        return policies.get(domainOf(owner));
    }

    /** Adds or changes an address; see the class comment. */
    public SendAsView save(Actor actor, Username owner, MailAddress address, SendAsRequest request) {
        requireRelayAllowed(owner);
        requireForeign(address);
        boolean vouched = vouchedBy(actor, request.verified());
        Optional<SendAsAddress> abandoned = abandonedByAnotherUser(owner, address);
        requireAdmittedSecurity(owner, request.relay().security());
        checks.checkTarget(request.relay());
        RelayCredential credential = request.password()
            .<RelayCredential>map(clear -> new RelayCredential.Password(sealer.seal(clear,
                RelayCredential.Password.contextFor(owner, SendAsKey.of(address), request.relay(), request.username()))))
            .orElseGet(() -> keptCredential(owner, address, request));
        SendAsAddress sendAs = new SendAsAddress(address, owner, request.relay(), request.username(), credential,
            request.displayName());
        if (!vouched) {
            checks.requireWorkingRelay(actor, sendAs, request.password().<RelayLogin>map(RelayLogin.WithPassword::new)
                .orElseGet(() -> checks.login(sendAs)));
        }
        return store(actor, sendAs, request.password().isPresent(), vouched, abandoned);
    }

    /**
     * Adds or changes an address that authenticates with an OAuth grant of {@code provider} (its relay is the
     * provider's): the refresh token is sealed, then the relay is tried with an access token of the grant and a code
     * is mailed, as for a password. Connecting an account again clears its "reconnect needed" state. Without a
     * {@code displayName}, the one the address had is kept.
     */
    public SendAsView saveOAuth(Actor actor, Username owner, MailAddress address, OAuthProvider provider, String username,
                                String refreshToken, Optional<String> displayName, Optional<Boolean> verified) {
        requireRelayAllowed(owner);
        requireForeign(address);
        boolean vouched = vouchedBy(actor, verified);
        Optional<SendAsAddress> abandoned = abandonedByAnotherUser(owner, address);
        requireUnmoved(provider);
        RelayServer relay = provider.relay();
        requireAdmittedSecurity(owner, relay.security());
        checks.checkTarget(relay);
        String key = SendAsKey.of(address);
        RelayCredential.OAuth credential = new RelayCredential.OAuth(provider.id(),
            sealer.seal(refreshToken, RelayCredential.OAuth.contextFor(owner, key, provider.id(), username)));
        Optional<String> name = SendAsAddress.validDisplayName(displayName).or(() ->
            registry.findOwnedBy(owner, address).flatMap(SendAsAddress::displayName));
        SendAsAddress sendAs = new SendAsAddress(address, owner, relay, username, credential, name);
        forgetTokens(sendAs); // the grants it held before: this one is new
        // Tried before it is stored: the grant works on the credential in hand, and keeps a rotated refresh token.
        SendAsOAuthGrant grant = SendAsOAuthGrant.unsaved(sendAs, provider, sealer);
        if (!vouched) {
            checks.requireWorkingRelay(actor, sendAs, new RelayLogin.WithOAuth(grant));
        }
        return store(actor, sendAs.withCredential(grant.unsavedCredential()), true, vouched, abandoned);
    }

    /**
     * The grant was obtained from the provider's token endpoint as it is now: one the admin moved meanwhile (a device
     * authorization approved after the change) would send its refresh token to another host than the one that issued it.
     */
    private void requireUnmoved(OAuthProvider provider) {
        if (providers.find(provider.id()).filter(current -> !current.tokenEndpointMovedFrom(provider)).isEmpty()) {
            throw new InvalidFieldException("provider", provider.id() + " was removed or its token endpoint changed while "
                + "the account was being connected: connect it again");
        }
    }

    /**
     * Stores an address whose relay test passed (or that an admin vouched for), then has the code mailed if pending.
     *
     * @param secretGiven whether a new password or OAuth grant came with the request (for the audit trail)
     */
    private SendAsView store(Actor actor, SendAsAddress sendAs, boolean secretGiven, boolean vouched,
                             Optional<SendAsAddress> abandoned) {
        Optional<SendAsAddress> before = registry.findOwnedBy(sendAs.owner(), sendAs.address()); // audit: added or changed
        abandoned.ifPresent(this::release);
        if (!sendAs.usesOAuth()) {
            forgetTokens(sendAs); // an OAuth address turned into a password one: nothing to refresh or reconnect
        }
        try {
            registry.register(sendAs);
        } catch (SendAsRegistry.AddressOwnedByAnotherUserException e) {
            throw new SendAsSettingsException(Kind.CONFLICT, e.getMessage());
        }
        SendAsStatus status = verifier.saved(sendAs, vouched);
        events.saved(actor, before, abandoned, sendAs, secretGiven, vouched, status);
        if (status == SendAsStatus.PENDING) {
            checks.sendCode(actor, sendAs);
        }
        return SendAsView.of(sendAs, status);
    }

    /** The cached access tokens and "reconnect needed" states on this node of every grant the address held. */
    private void forgetTokens(SendAsAddress sendAs) {
        tokens.forgetGrants(grant -> grant.address().equals(sendAs.key()));
    }

    private void requireForeign(MailAddress address) {
        if (isLocal(address.getDomain())) {
            throw new InvalidFieldException("address", "must not be in one of our domains: " + address.getDomain().asString()
                + " is local, its mail is ours to send");
        }
    }

    /** @return whether the owner had that address (removing an unknown one is not an error) */
    public boolean remove(Actor actor, Username owner, MailAddress address) {
        registry.findOwnedBy(owner, address).ifPresent(sendAs -> {
            verifier.forget(sendAs);
            forgetTokens(sendAs);
        });
        boolean removed = registry.remove(owner, address);
        if (removed) {
            events.removed(actor, owner, address);
        }
        return removed;
    }

    /** Mails a new code to a pending address: CONFLICT when it is verified, TOO_MANY_REQUESTS past the daily cap. */
    public SendAsView resendCode(Actor actor, Username owner, MailAddress address) {
        requireRelayAllowed(owner);
        SendAsAddress sendAs = owned(owner, address);
        if (verifier.isVerified(sendAs)) {
            throw new SendAsSettingsException(Kind.CONFLICT, sendAs.address().asString() + " is already verified");
        }
        checks.sendCode(actor, sendAs);
        return SendAsView.of(sendAs, SendAsStatus.PENDING);
    }

    /**
     * Checks a code: verified for the right one; 400 naming {@code code} when wrong or expired; CONFLICT when locked
     * after too many wrong codes or when no code is pending.
     */
    public SendAsView confirm(Actor actor, Username owner, MailAddress address, String code) {
        requireRelayAllowed(owner);
        SendAsAddress sendAs = owned(owner, address);
        SendAsVerifier.ConfirmResult result = verifier.confirm(sendAs, code);
        return switch (result.outcome()) {
            case VERIFIED -> {
                events.verifiedByCode(actor, sendAs);
                yield SendAsView.of(sendAs, SendAsStatus.VERIFIED);
            }
            case WRONG_CODE -> throw new InvalidFieldException("code", "does not match (" + result.triesLeft()
                + " tries left for this code)");
            case EXPIRED -> throw new InvalidFieldException("code", "has expired: ask for a new one with POST .../verification");
            case LOCKED -> throw new SendAsSettingsException(Kind.CONFLICT, "Too many wrong codes for "
                + sendAs.address().asString() + ": ask for a new one with POST .../verification");
            case NOTHING_TO_CONFIRM -> throw new SendAsSettingsException(Kind.CONFLICT, "No code is pending for "
                + sendAs.address().asString() + " (already verified, or none was sent)");
        };
    }

    /** Tries the relay again now (connect, TLS, AUTH, no mail): RELAY_CHECK_FAILED with a reason class otherwise. */
    public RelayTestResult test(Actor actor, Username owner, MailAddress address) {
        requireRelayAllowed(owner);
        SendAsAddress sendAs = owned(owner, address);
        checks.requireWorkingRelay(actor, sendAs, checks.login(sendAs));
        return new RelayTestResult(sendAs.address().asString(), sendAs.relay().host(), "ok");
    }

    /**
     * An update without a password keeps the stored credential (password or OAuth grant) only for the very relay
     * account it was given for: a new host, port, security or username must come with the password again (as Gmail
     * asks), or the stored secret would be sent to wherever the request points.
     */
    private RelayCredential keptCredential(Username owner, MailAddress address, SendAsRequest request) {
        Optional<SendAsAddress> existing = registry.findOwnedBy(owner, address);
        if (existing.isEmpty()) {
            throw new InvalidFieldException("password", "is required");
        }
        SendAsAddress stored = existing.get();
        if (!stored.relay().equals(request.relay()) || !stored.relayUsername().equals(request.username())) {
            throw new InvalidFieldException("password", "is required when host, port, security or username change: the "
                + "stored password is only ever sent to the relay account it was given for");
        }
        return stored.credential();
    }

    /**
     * Another user's registration of the address: CONFLICT while it holds it (verified, or a code that still works);
     * when it is an abandoned pending entry, it is returned to be released once the new registration passed its checks.
     */
    private Optional<SendAsAddress> abandonedByAnotherUser(Username owner, MailAddress address) {
        Optional<SendAsAddress> other = registry.find(address).filter(sendAs -> !sendAs.isOwnedBy(owner));
        if (other.isPresent() && !verifier.isAbandoned(other.get())) {
            throw new SendAsSettingsException(Kind.CONFLICT,
                new SendAsRegistry.AddressOwnedByAnotherUserException(address).getMessage());
        }
        return other;
    }

    private void release(SendAsAddress abandoned) {
        verifier.forget(abandoned);
        forgetTokens(abandoned);
        registry.remove(abandoned.owner(), abandoned.address());
    }

    /** Writes need the owner's domain to allow outbound relay; reads and removal never do. */
    private void requireRelayAllowed(Username owner) {
        if (!policyOf(owner).relayAllowed()) {
            throw new SendAsSettingsException(Kind.DOMAIN_NOT_ALLOWED, "Outbound relay is not enabled for "
                + domainOf(owner).asString() + ": its administrator has not allowed users to send mail as their other "
                + "addresses through their own relays");
        }
    }

    private SendAsAddress owned(Username owner, MailAddress address) {
        return registry.findOwnedBy(owner, address).orElseThrow(() -> new SendAsSettingsException(Kind.NOT_FOUND,
            address.asString() + " is not a send-as address of " + owner.asString()));
    }

    private SendAsView view(SendAsAddress sendAs) {
        // Stored when a node was refused; this node's own memory counts too (the store may have been out meanwhile).
        boolean reconnectNeeded = sendAs.credential() instanceof RelayCredential.OAuth oauth
            && (oauth.reconnectNeeded() || SendAsOAuthGrant.keyOf(sendAs).filter(tokens::reconnectNeeded).isPresent());
        return SendAsView.of(sendAs, verifier.status(sendAs), reconnectNeeded);
    }

    private static boolean vouchedBy(Actor actor, Optional<Boolean> verified) {
        if (actor != Actor.ADMIN && verified.isPresent()) {
            throw new InvalidFieldException("verified", "may only be set by an admin: confirm the code mailed to the address");
        }
        return verified.orElse(false);
    }

    private void requireAdmittedSecurity(Username owner, RelaySecurity security) {
        if (!owner.getDomainPart().map(policies::get).map(policy -> policy.admits(security)).orElse(security.isEncrypted())) {
            throw new InvalidFieldException("security", security + " sends the relay password in clear; use SMTPS or "
                + "STARTTLS, or have the admin set allowInsecure on the domain of " + owner.asString());
        }
    }

    private static Domain domainOf(Username owner) {
        return owner.getDomainPart().orElseThrow(() -> new InvalidFieldException("user",
            "has no domain part: " + owner.asString()));
    }

    private boolean isLocal(Domain domain) {
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            throw new SendAsSettingsException(Kind.UNAVAILABLE, "Cannot read the domain list");
        }
    }
}
