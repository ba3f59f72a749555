package io.github.outboundrelay.core;

import java.util.Objects;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

/**
 * An alternate "send mail as" address hosted outside our domains, owned by exactly one local user, with the relay
 * that must deliver the mail written from it and the credential to authenticate there (a password or an OAuth grant).
 */
public record SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername,
                            RelayCredential credential) {
    /** Many addresses share a few relays: one instance per distinct relay keeps the registry small (~80 B/address). */
    private static final Interner<RelayServer> RELAYS = Interners.newWeakInterner();

    public SendAsAddress {
        Objects.requireNonNull(address, "address");
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
    }

    /** An address that authenticates with a relay password. */
    public SendAsAddress(MailAddress address, Username owner, RelayServer relay, String relayUsername, SealedSecret relayPassword) {
        this(address, owner, relay, relayUsername, new RelayCredential.Password(relayPassword));
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

    public SendAsAddress withCredential(RelayCredential newCredential) {
        return new SendAsAddress(address, owner, relay, relayUsername, newCredential);
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
