package io.github.outboundrelay.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * The send-as addresses of each owner, kept beside a registry's map by address: the rule's one hash probe per mail
 * ({@link OutboundRelayRule#decide(org.apache.mailet.Mail)}), which answers a user without alternate addresses before
 * any header is read. Keyed by the owner's {@link Username}, the very object the addresses hold, and holding
 * immutable lists, so that it costs a map node per owner and nothing per address beyond.
 *
 * <p>Only addresses are indexed, never what may change under them (verification, the domain's policy, our domains):
 * the rule reads those live on every mail, so a policy switch is seen by the very next mail on every node.</p>
 */
public final class SendAsOwnerIndex {
    private final ConcurrentHashMap<Username, List<SendAsAddress>> byOwner = new ConcurrentHashMap<>();

    /** The owner's addresses, in no particular order; empty for a user without any. */
    public List<SendAsAddress> ownedBy(Username owner) {
        List<SendAsAddress> owned = byOwner.get(owner);
        return owned == null ? List.of() : owned;
    }

    /**
     * Records that the address with key {@code key} went from {@code previous} to {@code current} (either may be null:
     * added, removed). Callers serialize the calls for one key in the order their own map saw the changes (for
     * instance inside its {@code compute} for that key), so that the index ends as their map does.
     */
    public void replaced(String key, SendAsAddress previous, SendAsAddress current) {
        if (previous != null && (current == null || !previous.owner().equals(current.owner()))) {
            byOwner.computeIfPresent(previous.owner(), (owner, owned) -> without(owned, key));
        }
        if (current != null) {
            byOwner.compute(current.owner(), (owner, owned) -> with(owned == null ? List.of() : owned, key, current));
        }
    }

    public void clear() {
        byOwner.clear();
    }

    private static List<SendAsAddress> without(List<SendAsAddress> owned, String key) {
        List<SendAsAddress> kept = new ArrayList<>(owned.size());
        for (SendAsAddress sendAs : owned) {
            if (!sendAs.key().equals(key)) {
                kept.add(sendAs);
            }
        }
        return kept.isEmpty() ? null : List.copyOf(kept);
    }

    private static List<SendAsAddress> with(List<SendAsAddress> owned, String key, SendAsAddress current) {
        List<SendAsAddress> updated = new ArrayList<>(owned.size() + 1);
        for (SendAsAddress sendAs : owned) {
            if (!sendAs.key().equals(key)) {
                updated.add(sendAs);
            }
        }
        updated.add(current);
        return List.copyOf(updated);
    }
}
