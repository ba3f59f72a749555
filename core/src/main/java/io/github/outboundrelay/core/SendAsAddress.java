package io.github.outboundrelay.core;

import java.util.Objects;
import java.util.Optional;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

/**
 * An alternate "send mail as" address hosted outside our domains, owned by exactly one local user, with the relay
 * that must deliver the mail written from it, the credential to authenticate there (a password or an OAuth grant), and
 * optionally the name the user wants shown with it (Gmail's "Name"; the JMAP identity's name under ./run). The
 * address is a {@link PlainAddress} (400 naming {@code address} otherwise), whichever surface or store row it comes from.
 */
public record SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                            RelayCredential credential, Optional<String> displayName) {
    /** The longest display name accepted, in characters (a name, not a text). */
    public static final int DISPLAY_NAME_MAX_LENGTH = 100;
    /** Many addresses share a few relays: one instance per distinct relay keeps the registry small (~80 B/address). */
    private static final Interner<RelayServer> RELAYS = Interners.newWeakInterner();

    /** An address that authenticates with a relay password, with a display name or none. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                         SealedSecret relayPassword, Optional<String> displayName) {
        this(address, owner, relay, relayUsername, new RelayCredential.Password(relayPassword), displayName);
    }

    /** An address that authenticates with a relay password, without a display name. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername, SealedSecret relayPassword) {
        this(address, owner, relay, relayUsername, relayPassword, Optional.empty());
    }

    /** An address without a display name. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                         RelayCredential credential) {
        this(address, owner, relay, relayUsername, credential, Optional.empty());
    }

    /** An address that authenticates with {@code clearPassword}, sealed for it (bound to its owner, relay and username). */
    public static SendAsAddress withPassword(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                                             String clearPassword, SecretSealer sealer) {
        return new SendAsAddress(address, owner, relay, relayUsername, sealer.seal(clearPassword,
            RelayCredential.Password.contextFor(owner, SendAsKey.of(address), relay, relayUsername)));
    }

    public SendAsAddress {
        PlainAddress.require(Objects.requireNonNull(address, "address"));
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(relay, "relay");
        relay = RELAYS.intern(relay);
        if (relayUsername == null || relayUsername.isBlank()) {
            throw new InvalidFieldException("username", "is required");
        }
        if (relayUsername.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidFieldException("username", "must not contain control characters");
        }
        Objects.requireNonNull(credential, "password");
        displayName = validDisplayName(Objects.requireNonNull(displayName, "displayName"));
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

    /** The sealed password of a password address; {@link IllegalStateException} for an OAuth one. */
    public SealedSecret relayPassword() {
        if (credential instanceof RelayCredential.Password password) {
            return password.secret();
        }
        throw new IllegalStateException(address.asString() + " authenticates with OAuth, not a password");
    }

    public boolean usesOAuth() {
        return credential instanceof RelayCredential.OAuth;
    }

    /** The same address (display name kept) with another credential, or the same one sealed anew (key rotation). */
    public SendAsAddress withCredential(RelayCredential newCredential) {
        return new SendAsAddress(address, owner, relay, relayUsername, newCredential, displayName);
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
        return "SendAsAddress[" + address.asString() + " of " + owner.asString() + " via " + relay + " with " + credential.kind() + "]";
    }
}
