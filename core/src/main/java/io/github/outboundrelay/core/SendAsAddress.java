package io.github.outboundrelay.core;

import java.util.Objects;
import java.util.Optional;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretSealer;

/**
 * An alternate "send mail as" address hosted outside our domains, owned by exactly one local user, optionally with the
 * relay account that delivers the mail written from it (the other domain's SMTP server, Gmail's second option), and
 * optionally the name the user wants shown with it (Gmail's "Name"; the JMAP identity's name under ./run). Without a
 * relay account, our own servers send its mail (Gmail's "Send through ourdomain"), on behalf of the owner. The
 * address is a {@link PlainAddress} (400 naming {@code address} otherwise), whichever surface or store row it comes from.
 */
public record SendAsAddress(MailAddress address, Username owner, Optional<RelayAccount> relayAccount,
                            Optional<String> displayName) {
    /** The longest display name accepted, in characters (a name, not a text). */
    public static final int DISPLAY_NAME_MAX_LENGTH = 100;

    /** An address with a relay account. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                         RelayCredential credential, Optional<String> displayName) {
        this(address, owner, Optional.of(new RelayAccount(relay, relayUsername, credential)), displayName);
    }

    /** An address that authenticates with a relay password, with a display name or none. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                         SealedSecret relayPassword, Optional<String> displayName) {
        this(address, owner, relay, relayUsername, new RelayCredential.Password(relayPassword), displayName);
    }

    /** An address that authenticates with a relay password, without a display name. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername, SealedSecret relayPassword) {
        this(address, owner, relay, relayUsername, relayPassword, Optional.empty());
    }

    /** An address with a relay account, without a display name. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                         RelayCredential credential) {
        this(address, owner, relay, relayUsername, credential, Optional.empty());
    }

    /** An address whose mail our own servers send. */
    public static SendAsAddress withoutRelay(MailAddress address, Username owner, Optional<String> displayName) {
        return new SendAsAddress(address, owner, Optional.empty(), displayName);
    }

    /** An address that authenticates with {@code clearPassword}, sealed for it (bound to its owner, relay and username). */
    public static SendAsAddress withPassword(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                                             String clearPassword, SecretSealer sealer) {
        return new SendAsAddress(address, owner, relay, relayUsername, sealer.seal(clearPassword,
            RelayCredential.Password.contextFor(owner, SendAsKey.of(address), relay, relayUsername)));
    }

    /** The owners' domains, one object each: a million users of a few domains would otherwise hold a million copies. */
    private static final Interner<Domain> OWNER_DOMAINS = Interners.newWeakInterner();

    public SendAsAddress {
        PlainAddress.require(Objects.requireNonNull(address, "address"));
        owner = withSharedDomain(Objects.requireNonNull(owner, "owner"));
        Objects.requireNonNull(relayAccount, "relayAccount");
        displayName = validDisplayName(Objects.requireNonNull(displayName, "displayName"));
    }

    /** The same user, holding the one shared object of its domain (equal, so nothing else changes). */
    private static Username withSharedDomain(Username owner) {
        if (owner.getDomainPart().isEmpty()) {
            return owner;
        }
        Domain domain = owner.getDomainPart().get();
        Domain shared = OWNER_DOMAINS.intern(domain);
        return shared == domain ? owner : Username.fromLocalPartWithDomain(owner.getLocalPart(), shared);
    }

    /**
     * Trimmed, blank meaning none; no control characters (it may end up in a From: header: CR/LF would inject headers),
     * at most {@link #DISPLAY_NAME_MAX_LENGTH} characters.
     */
    public static Optional<String> validDisplayName(Optional<String> displayName) {
        Optional<String> trimmed = displayName.map(String::strip).filter(name -> !name.isEmpty());
        trimmed.ifPresent(name -> {
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidFieldException("displayName", "must not contain control characters");
            }
            if (name.codePointCount(0, name.length()) > DISPLAY_NAME_MAX_LENGTH) {
                throw new InvalidFieldException("displayName", "must be at most " + DISPLAY_NAME_MAX_LENGTH + " characters");
            }
        });
        return trimmed;
    }

    public boolean hasRelay() {
        return relayAccount.isPresent();
    }

    /**
     * The relay account, for the code that only ever handles addresses sent through their relay (delivery, relay
     * tests, secret sealing); {@link IllegalStateException} for an address our servers send.
     */
    public RelayAccount requireRelayAccount() {
        return relayAccount.orElseThrow(() -> new IllegalStateException(address.asString() + " has no relay: our servers send its mail"));
    }

    public boolean usesOAuth() {
        return relayAccount.filter(RelayAccount::usesOAuth).isPresent();
    }

    /** The OAuth grant its relay account authenticates with, if it does. */
    public Optional<RelayCredential.OAuth> oauthCredential() {
        return relayAccount.map(RelayAccount::credential)
            .filter(RelayCredential.OAuth.class::isInstance).map(RelayCredential.OAuth.class::cast);
    }

    /** The same address (display name kept) with another credential for its relay account, or the same one sealed anew. */
    public SendAsAddress withCredential(RelayCredential newCredential) {
        return new SendAsAddress(address, owner, Optional.of(requireRelayAccount().withCredential(newCredential)), displayName);
    }

    /** The same address with {@code relayPassword} sealed anew (key rotation). */
    public SendAsAddress withRelayPassword(SealedSecret relayPassword) {
        return withCredential(new RelayCredential.Password(relayPassword));
    }

    public boolean isOwnedBy(Username user) {
        return owner.equals(user);
    }

    public String key() {
        return SendAsKey.of(address);
    }

    @Override
    public String toString() {
        return "SendAsAddress[" + address.asString() + " of " + owner.asString() + " via "
            + relayAccount.map(account -> account.server() + " with " + account.credential().kind()).orElse("our servers") + "]";
    }
}
