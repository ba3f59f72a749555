package io.github.outboundrelay.core.store.memory;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.store.OwnedSendAs;
import io.github.outboundrelay.core.store.SendAsOwnerIndex;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * The registry held in a hash map keyed by {@link SendAsKey}: what the matchers read on every mail.
 */
public class InMemorySendAsRegistry implements SendAsRegistry {
    private final ConcurrentHashMap<String, SendAsAddress> byAddress = new ConcurrentHashMap<>();
    private final SendAsOwnerIndex byOwner = new SendAsOwnerIndex();

    @Override
    public Optional<SendAsAddress> find(MailAddress address) {
        return Optional.ofNullable(byAddress.get(SendAsKey.of(address)));
    }

    @Override
    public Optional<SendAsAddress> findByKey(String key) {
        return Optional.ofNullable(byAddress.get(key));
    }

    @Override
    public List<SendAsAddress> listOwnedBy(Username owner) {
        return byOwner.ownedBy(owner).stream()
            .sorted(Comparator.comparing(SendAsAddress::key))
            .toList();
    }

    @Override
    public OwnedSendAs ownedByAuthenticatedName(String authenticatedName) {
        return byOwner.ownedByName(authenticatedName);
    }

    @Override
    public List<SendAsAddress> all() {
        return List.copyOf(byAddress.values());
    }

    @Override
    public void register(SendAsAddress sendAs) {
        byAddress.compute(sendAs.key(), (key, existing) -> {
            if (existing != null && !existing.isOwnedBy(sendAs.owner())) {
                throw new AddressOwnedByAnotherUserException(sendAs.address());
            }
            byOwner.replaced(key, existing, sendAs);
            return sendAs;
        });
    }

    @Override
    public boolean remove(Username owner, MailAddress address) {
        String key = SendAsKey.of(address);
        boolean[] removed = {false};
        byAddress.computeIfPresent(key, (ignored, existing) -> {
            if (!existing.isOwnedBy(owner)) {
                return existing;
            }
            byOwner.replaced(key, existing, null);
            removed[0] = true;
            return null;
        });
        return removed[0];
    }
}
