package io.github.outboundrelay.store.jdbc;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.StoreUnavailableException;

/**
 * The send-as registry of a {@link JdbcOutboundRelayStore}: reads from its in-memory view, writes through to the
 * database ({@link StoreUnavailableException} when it cannot be reached).
 */
public final class JdbcSendAsRegistry implements SendAsRegistry {
    private final JdbcOutboundRelayStore store;

    JdbcSendAsRegistry(JdbcOutboundRelayStore store) {
        this.store = store;
    }

    @Override
    public Optional<SendAsAddress> find(MailAddress address) {
        return store.findSendAs(address);
    }

    @Override
    public List<SendAsAddress> listOwnedBy(Username owner) {
        return store.allSendAs().stream()
            .filter(sendAs -> sendAs.isOwnedBy(owner))
            .sorted(Comparator.comparing(SendAsAddress::key))
            .toList();
    }

    /**
     * @throws AddressOwnedByAnotherUserException when another user registered that address (checked in the database,
     * so two nodes cannot both give it away)
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public void register(SendAsAddress sendAs) {
        store.register(sendAs);
    }

    /**
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public boolean remove(Username owner, MailAddress address) {
        return store.remove(owner, address);
    }
}
