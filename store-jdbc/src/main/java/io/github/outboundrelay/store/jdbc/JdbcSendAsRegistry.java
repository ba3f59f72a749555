package io.github.outboundrelay.store.jdbc;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.store.OwnedSendAs;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * The send-as registry of a {@link JdbcOutboundRelayStore}: reads from its in-memory view, writes through to the
 * database ({@link StoreUnavailableException} when it cannot be reached).
 */
public final class JdbcSendAsRegistry implements SendAsRegistry {
    private final JdbcStoreEngine engine;
    private final SendAsTable sendAs;
    private final VerificationTable verifications;

    JdbcSendAsRegistry(JdbcStoreEngine engine, SendAsTable sendAs, VerificationTable verifications) {
        this.engine = engine;
        this.sendAs = sendAs;
        this.verifications = verifications;
    }

    @Override
    public Optional<SendAsAddress> find(MailAddress address) {
        return sendAs.find(SendAsKey.of(address));
    }

    @Override
    public Optional<SendAsAddress> findByKey(String key) {
        return sendAs.find(key);
    }

    @Override
    public List<SendAsAddress> listOwnedBy(Username owner) {
        return sendAs.ownedBy(owner).stream()
            .sorted(Comparator.comparing(SendAsAddress::key))
            .toList();
    }

    @Override
    public OwnedSendAs ownedByAuthenticatedName(String authenticatedName) {
        return sendAs.ownedByName(authenticatedName);
    }

    @Override
    public List<SendAsAddress> all() {
        return List.copyOf(sendAs.all());
    }

    /**
     * @throws AddressOwnedByAnotherUserException when another user registered that address (checked in the database,
     * so two nodes cannot both give it away)
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public void register(SendAsAddress registered) {
        String key = registered.key();
        engine.write("register a send-as address", transaction -> {
            Optional<Username> owner = sendAs.ownerOf(transaction.connection(), key);
            if (owner.isPresent() && !registered.isOwnedBy(owner.get())) {
                throw new AddressOwnedByAnotherUserException(registered.address());
            }
            long version = transaction.recordChange(sendAs, key);
            if (owner.isPresent()) {
                sendAs.update(transaction.connection(), registered, version);
            } else {
                sendAs.insert(transaction.connection(), registered, version);
            }
            return null;
        }, () -> sendAs.show(key, registered));
    }

    /**
     * Removes the address and, in the same transaction, its verification state: registering the address again later
     * starts pending, even with the same relay.
     *
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public boolean remove(Username owner, MailAddress address) {
        String key = SendAsKey.of(address);
        return engine.write("remove a send-as address", transaction -> {
            Optional<Username> current = sendAs.ownerOf(transaction.connection(), key);
            if (current.isEmpty() || !current.get().equals(owner)) {
                return false;
            }
            transaction.recordChange(sendAs, key);
            sendAs.delete(transaction.connection(), key);
            if (verifications.delete(transaction.connection(), key)) {
                transaction.recordChange(verifications, key);
            }
            return true;
        }, () -> {
            sendAs.hide(key);
            verifications.hide(key);
        });
    }
}
