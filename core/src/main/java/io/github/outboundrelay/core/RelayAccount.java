package io.github.outboundrelay.core;

import java.util.Objects;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;

/**
 * The relay account of a send-as address that sends through the other domain's SMTP server: that server, the account
 * to authenticate as, and its credential (a sealed password or an OAuth grant). An address without one is sent by our
 * own servers ({@link SendAsAddress#relayAccount()} empty).
 */
public record RelayAccount(RelayServer server, String username, RelayCredential credential) {
    /** Many addresses share a few relays: one instance per distinct relay keeps the registry small (~80 B/address). */
    private static final Interner<RelayServer> SERVERS = Interners.newWeakInterner();

    public RelayAccount {
        server = SERVERS.intern(Objects.requireNonNull(server, "relay"));
        if (username == null || username.isBlank()) {
            throw new InvalidFieldException("username", "is required");
        }
        if (username.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidFieldException("username", "must not contain control characters");
        }
        Objects.requireNonNull(credential, "password");
    }

    /** The same account with another credential, or the same one sealed anew (key rotation, a rotated refresh token). */
    public RelayAccount withCredential(RelayCredential newCredential) {
        return new RelayAccount(server, username, newCredential);
    }

    public boolean usesOAuth() {
        return credential instanceof RelayCredential.OAuth;
    }

    /** Whether this is the same server and account (the credential aside): what a kept password or verification needs. */
    public boolean isSameAccountAs(RelayServer otherServer, String otherUsername) {
        return server.equals(otherServer) && username.equals(otherUsername);
    }

    @Override
    public String toString() {
        return username + " at " + server + " with " + credential.kind();
    }
}
