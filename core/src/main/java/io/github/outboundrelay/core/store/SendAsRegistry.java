package io.github.outboundrelay.core.store;

import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.secrets.SealedSecret;

/**
 * Every registered send-as address. {@link #find(MailAddress)} is on the per-mail path: implementations answer it in
 * O(1) from memory, without touching storage.
 */
public interface SendAsRegistry {
    Optional<SendAsAddress> find(MailAddress address);

    /** The same lookup by {@link SendAsKey}, for callers that hold the key already (no address parsing). */
    Optional<SendAsAddress> findByKey(String key);

    /**
     * The addresses registered to {@code owner}, sorted by key, answered from memory by one probe of the registry's
     * {@link SendAsOwnerIndex} (no scan of the whole registry). Empty for a user without any.
     */
    List<SendAsAddress> listOwnedBy(Username owner);

    /**
     * The rule's per-mail probe: the addresses of {@link #listOwnedBy} for {@code Username.of(authenticatedName)}, each with
     * its key, the first of their chain; null when there is none, and when the name is no valid Username. A registry
     * with a {@link SendAsOwnerIndex} answers from {@link SendAsOwnerIndex#ownedByName}, without parsing the name.
     */
    default OwnedSendAs ownedByAuthenticatedName(String authenticatedName) {
        try {
            return OwnedSendAs.chainOf(listOwnedBy(Username.of(authenticatedName)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every registered address, in no particular order: for whole-registry jobs such as re-sealing passwords. */
    List<SendAsAddress> all();

    /**
     * Adds or replaces the address of its owner.
     *
     * @throws AddressOwnedByAnotherUserException when another user already registered that address
     */
    void register(SendAsAddress sendAs);

    /**
     * @return true when the owner had that address
     */
    boolean remove(Username owner, MailAddress address);

    /**
     * Stores another sealing of an address's secret (a refresh token the provider rotated), nothing else changing: the
     * relay account is the same, so a verified address stays verified. Only when the address still holds
     * {@code previous} (a user who connected the account again meanwhile keeps the new grant).
     *
     * @return whether it was replaced
     */
    default boolean replaceSecret(String key, SealedSecret previous, SealedSecret replacement) {
        Optional<SendAsAddress> current = findByKey(key)
            .filter(sendAs -> sendAs.relayAccount().filter(account -> account.credential().secret().equals(previous)).isPresent());
        current.ifPresent(sendAs -> register(sendAs.withCredential(
            sendAs.requireRelayAccount().credential().withSecret(replacement))));
        return current.isPresent();
    }

    /**
     * Records, for every node and the settings surfaces, whether the provider refused ({@code needed}) or accepted the
     * OAuth grant {@code grant} of the address: only while the address still holds it (the user may have connected
     * the account again meanwhile).
     *
     * @return whether the mark changed
     */
    default boolean markReconnectNeeded(String key, SealedSecret grant, boolean needed) {
        Optional<SendAsAddress> current = findByKey(key)
            .filter(sendAs -> sendAs.oauthCredential()
                .filter(oauth -> oauth.reconnectNeeded() != needed && oauth.refreshToken().equals(grant)).isPresent());
        current.ifPresent(sendAs -> register(sendAs.withCredential(sendAs.oauthCredential().orElseThrow().withReconnectNeeded(needed))));
        return current.isPresent();
    }

    default Optional<SendAsAddress> findOwnedBy(Username owner, MailAddress address) {
        return find(address).filter(sendAs -> sendAs.isOwnedBy(owner));
    }

    class AddressOwnedByAnotherUserException extends RuntimeException {
        public AddressOwnedByAnotherUserException(MailAddress address) {
            super("'address' " + address.asString() + " is already registered by another user");
        }
    }
}
