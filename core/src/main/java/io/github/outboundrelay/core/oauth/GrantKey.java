package io.github.outboundrelay.core.oauth;

import java.util.Objects;

import org.apache.james.core.Username;

/**
 * One connected account as the access-token cache and the session pool key it: whose send-as address, which address
 * ({@link io.github.outboundrelay.core.SendAsKey}), which provider, which account at it, and which connection of it
 * (the grant id: a new one each time the account is connected). Any of them differing is another grant, whose tokens
 * are never those of this one, on any node.
 */
public record GrantKey(Username owner, String address, String provider, String account, String grantId) {
    public GrantKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(grantId, "grantId");
    }

    /** Every part length-prefixed: two different grants never give the same text (a pool key is made of it). */
    public String identity() {
        StringBuilder identity = new StringBuilder("grant");
        for (String part : new String[] {owner.asString(), address, provider, account, grantId}) {
            identity.append('/').append(part.length()).append(':').append(part);
        }
        return identity.toString();
    }

    /** For logs: the address and provider (not the account name as typed, nor the grant id). */
    @Override
    public String toString() {
        return address + " via " + provider;
    }
}
