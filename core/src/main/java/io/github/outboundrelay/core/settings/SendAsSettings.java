package io.github.outboundrelay.core.settings;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.dmarc.DmarcPolicy;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.oauth.SendAsOAuthGrant;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * The one send-as settings flow, behind every surface (WebAdmin, the users' self-service API): list, read, save,
 * remove, verify and test a user's send-as addresses. An address is saved with a relay (the other domain's SMTP
 * server) or without one (our servers send its mail, on behalf of its owner). Saving a relay tries it (connect, TLS,
 * AUTH); then, unless an admin vouched, a one-time code is mailed to the address; the address stays pending until the
 * code is confirmed. Writes (save, resendCode, confirm) need the owner's domain to allow alternate addresses, and
 * saving a relay or testing it to allow relays too (DOMAIN_NOT_ALLOWED); reading and removing do not. A relay saved
 * while relays were allowed stays stored while they are not: the address's mail then goes through our servers. An address is held by one user; another user's pending entry whose code expired (or
 * that never got one) no longer holds it: a new registration takes it over.
 * Each change made, relay test and code mail tried is recorded in the audit trail by {@link SettingsEvents}.
 * The caller has already established who {@code owner} is (an existing James user). Errors are
 * {@link InvalidFieldException} (400, names the field) or {@link SendAsSettingsException} of a kind.
 */
public class SendAsSettings {
    private final SendAsRegistry registry;
    private final SecretSealer sealer;
    private final SendAsVerifier verifier;
    private final RelayChecks checks;
    private final AccessTokenCache tokens;
    private final OAuthProviders providers;
    private final SettingsEvents events;
    private final OutboundRelayRule rule;
    private final SendAsDomainRules domainRules;
    private final DmarcCheck dmarc;

    @Inject
    public SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                          SendAsVerifier verifier, RelayConnector connector, OAuthProviders providers, AccessTokenCache tokens,
                          SettingsEvents events, DmarcCheck dmarc) {
        this(registry, policies, domainList, sealer, verifier, connector, providers, tokens, events, Clock.systemUTC(),
            Optional.of(dmarc));
    }

    /** Without the DMARC check (no policy is looked up). */
    public SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                          SendAsVerifier verifier, RelayConnector connector, OAuthProviders providers, AccessTokenCache tokens,
                          SettingsEvents events) {
        this(registry, policies, domainList, sealer, verifier, connector, providers, tokens, events, Clock.systemUTC());
    }

    /** Password addresses only (no OAuth provider is set). */
    public SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                          SendAsVerifier verifier, RelayConnector connector, SettingsEvents events) {
        this(registry, policies, domainList, sealer, verifier, connector, events, Clock.systemUTC());
    }

    SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                   SendAsVerifier verifier, RelayConnector connector, SettingsEvents events, Clock clock) {
        this(registry, policies, domainList, sealer, verifier, connector, new InMemoryOAuthProviders(),
            new AccessTokenCache(new OAuthTokenClient(sealer, OAuthEndpointPolicy.httpsOnly(), Duration.ofSeconds(30), clock),
                clock, AccessTokenCache.DEFAULT_MARGIN), events, clock);
    }

    SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                   SendAsVerifier verifier, RelayConnector connector, OAuthProviders providers, AccessTokenCache tokens,
                   SettingsEvents events, Clock clock) {
        this(registry, policies, domainList, sealer, verifier, connector, providers, tokens, events, clock, Optional.empty());
    }

    /** @param dmarc the DMARC check; without one (tests of other concerns) no policy is looked up */
    SendAsSettings(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList, SecretSealer sealer,
                   SendAsVerifier verifier, RelayConnector connector, OAuthProviders providers, AccessTokenCache tokens,
                   SettingsEvents events, Clock clock, Optional<DmarcCheck> dmarc) {
        this.registry = registry;
        this.sealer = sealer;
        this.verifier = verifier;
        this.tokens = tokens;
        this.providers = providers;
        this.events = events;
        this.rule = new OutboundRelayRule(registry, policies, domainList, verifier);
        this.domainRules = new SendAsDomainRules(policies, domainList);
        this.dmarc = dmarc.orElseGet(() -> DmarcCheck.off(policies, new InMemorySettingsEventLog(), events));
        this.checks = new RelayChecks(connector, verifier, new RelayLogins(sealer, registry, providers),
            new SettingsRateLimits(clock), events);
    }

    public List<SendAsView> list(Username owner) {
        return registry.listOwnedBy(owner).stream().map(this::view).toList();
    }

    /** @throws SendAsSettingsException NOT_FOUND when {@code owner} has no such address */
    public SendAsView get(Username owner, MailAddress address) {
        return view(owned(owner, address));
    }

    /** The policy of the owner's domain: whether its users may send as alternate addresses, relay (and without TLS). */
    public DomainRelayPolicy policyOf(Username owner) {
        return domainRules.policyOf(owner);
    }

    /**
     * Adds or changes an address; see the class comment. Without a relay in the request, the address's mail goes
     * through our servers (a relay it had is removed; it stays verified: the address is still the owner's).
     */
    public SendAsView save(Actor actor, Username owner, MailAddress address, SendAsRequest request) {
        domainRules.requireAlternateAddressesAllowed(owner);
        if (request.relay().isPresent()) {
            domainRules.requireRelayAllowed(owner);
        }
        domainRules.requireForeign(address);
        boolean vouched = vouchedBy(actor, request.verified());
        Optional<SendAsAddress> abandoned = abandonedByAnotherUser(owner, address);
        if (request.relay().isEmpty()) {
            Optional<DmarcPolicy> seen = dmarc.requireAcceptableWithoutRelay(domainRules.policyOf(owner), address);
            SendAsAddress withoutRelay = SendAsAddress.withoutRelay(address, owner, request.displayName());
            SendAsView saved = store(actor, withoutRelay, false, vouched, abandoned);
            dmarc.recordChecked(actor, withoutRelay, seen);
            return saved;
        }
        SendAsRequest.Relay relay = request.relay().get();
        domainRules.requireAdmittedSecurity(owner, relay.server().security());
        checks.checkTarget(relay.server());
        RelayCredential credential = relay.password()
            .<RelayCredential>map(clear -> new RelayCredential.Password(sealer.seal(clear,
                RelayCredential.Password.contextFor(owner, SendAsKey.of(address), relay.server(), relay.username()))))
            .orElseGet(() -> keptCredential(owner, address, relay));
        SendAsAddress sendAs = new SendAsAddress(address, owner, relay.server(), relay.username(), credential,
            request.displayName());
        if (!vouched) {
            checks.requireWorkingRelay(actor, sendAs, relay.password().<RelayLogin>map(RelayLogin.WithPassword::new)
                .orElseGet(() -> checks.login(sendAs)));
        }
        return store(actor, sendAs, relay.password().isPresent(), vouched, abandoned);
    }

    /**
     * Adds or changes an address that authenticates with an OAuth grant of {@code provider} (its relay is the
     * provider's): the refresh token is sealed, then the relay is tried with an access token of the grant and a code
     * is mailed, as for a password. Connecting an account again clears its "reconnect needed" state. Without a
     * {@code displayName}, the one the address had is kept.
     */
    public SendAsView saveOAuth(Actor actor, Username owner, MailAddress address, OAuthProvider provider, String username,
                                String refreshToken, Optional<String> displayName, Optional<Boolean> verified) {
        domainRules.requireAlternateAddressesAllowed(owner);
        domainRules.requireRelayAllowed(owner);
        domainRules.requireForeign(address);
        boolean vouched = vouchedBy(actor, verified);
        Optional<SendAsAddress> abandoned = abandonedByAnotherUser(owner, address);
        requireUnmoved(provider);
        RelayServer relay = provider.relay();
        domainRules.requireAdmittedSecurity(owner, relay.security());
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
            checks.sendCode(actor, sendAs, throughItsRelay(sendAs));
        }
        return SendAsView.of(sendAs, status, rule.decide(sendAs)).withDmarc(dmarc.statusOf(sendAs));
    }

    /** Whether the address's relay may carry its mail now (set, and allowed by its owner's domain). */
    private boolean throughItsRelay(SendAsAddress sendAs) {
        return sendAs.relayAccount().filter(account -> domainRules.policyOf(sendAs.owner()).allowsRelayThrough(account.server()))
            .isPresent();
    }

    /** The cached access tokens and "reconnect needed" states on this node of every grant the address held. */
    private void forgetTokens(SendAsAddress sendAs) {
        tokens.forgetGrants(grant -> grant.address().equals(sendAs.key()));
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
        domainRules.requireAlternateAddressesAllowed(owner);
        SendAsAddress sendAs = owned(owner, address);
        if (verifier.isVerified(sendAs)) {
            throw new SendAsSettingsException(Kind.CONFLICT, sendAs.address().asString() + " is already verified");
        }
        checks.sendCode(actor, sendAs, throughItsRelay(sendAs));
        return view(sendAs);
    }

    /**
     * Checks a code: verified for the right one; 400 naming {@code code} when wrong or expired; CONFLICT when locked
     * after too many wrong codes or when no code is pending.
     */
    public SendAsView confirm(Actor actor, Username owner, MailAddress address, String code) {
        domainRules.requireAlternateAddressesAllowed(owner);
        SendAsAddress sendAs = owned(owner, address);
        SendAsVerifier.ConfirmResult result = verifier.confirm(sendAs, code);
        return switch (result.outcome()) {
            case VERIFIED -> {
                events.verifiedByCode(actor, sendAs);
                yield view(sendAs);
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

    /**
     * Tries the relay again now (connect, TLS, AUTH, no mail): RELAY_CHECK_FAILED with a reason class otherwise;
     * CONFLICT for an address without relay.
     */
    public RelayTestResult test(Actor actor, Username owner, MailAddress address) {
        domainRules.requireAlternateAddressesAllowed(owner);
        domainRules.requireRelayAllowed(owner);
        SendAsAddress sendAs = owned(owner, address);
        RelayAccount account = sendAs.relayAccount().orElseThrow(() -> new SendAsSettingsException(Kind.CONFLICT,
            sendAs.address().asString() + " has no relay to test: our servers send its mail"));
        checks.requireWorkingRelay(actor, sendAs, checks.login(sendAs));
        return new RelayTestResult(sendAs.address().asString(), account.server().host(), "ok");
    }

    /**
     * An update without a password keeps the stored credential (password or OAuth grant) only for the very relay
     * account it was given for: a new host, port, security or username must come with the password again (as Gmail
     * asks), or the stored secret would be sent to wherever the request points.
     */
    private RelayCredential keptCredential(Username owner, MailAddress address, SendAsRequest.Relay relay) {
        Optional<RelayAccount> existing = registry.findOwnedBy(owner, address).flatMap(SendAsAddress::relayAccount);
        if (existing.isEmpty()) {
            throw new InvalidFieldException("password", "is required");
        }
        if (!existing.get().isSameAccountAs(relay.server(), relay.username())) {
            throw new InvalidFieldException("password", "is required when host, port, security or username change: the "
                + "stored password is only ever sent to the relay account it was given for");
        }
        return existing.get().credential();
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

    private SendAsAddress owned(Username owner, MailAddress address) {
        return registry.findOwnedBy(owner, address).orElseThrow(() -> new SendAsSettingsException(Kind.NOT_FOUND,
            address.asString() + " is not a send-as address of " + owner.asString()));
    }

    private SendAsView view(SendAsAddress sendAs) {
        // Stored when a node was refused; this node's own memory counts too (the store may have been out meanwhile).
        boolean reconnectNeeded = sendAs.oauthCredential().filter(oauth -> oauth.reconnectNeeded()
            || SendAsOAuthGrant.keyOf(sendAs).filter(tokens::reconnectNeeded).isPresent()).isPresent();
        return SendAsView.of(sendAs, verifier.status(sendAs), reconnectNeeded, rule.decide(sendAs))
            .withDmarc(dmarc.statusOf(sendAs));
    }

    private static boolean vouchedBy(Actor actor, Optional<Boolean> verified) {
        if (!actor.isAdmin() && verified.isPresent()) {
            throw new InvalidFieldException("verified", "may only be set by an admin: confirm the code mailed to the address");
        }
        return verified.orElse(false);
    }

}
