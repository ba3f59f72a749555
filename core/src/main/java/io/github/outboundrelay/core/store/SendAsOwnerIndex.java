package io.github.outboundrelay.core.store;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * The send-as addresses of each owner, kept beside a registry's map by address: the rule's one hash probe per mail
 * ({@link OutboundRelayRule#decide(org.apache.mailet.Mail)}), which answers a user without alternate addresses before
 * any header is read. Keyed by the owner's {@link Username}, the very object the addresses hold, and holding an
 * immutable {@link OwnedSendAs} chain (each address with the key the registry's map holds), so that it costs a map
 * node per owner and nothing per address beyond. {@link #ownedByName} probes it with the authenticated name as James
 * recorded it, without building a Username when the name is already in canonical form.
 *
 * <p>Only addresses are indexed, never what may change under them (verification, the domain's policy, our domains):
 * the rule reads those live on every mail, so a policy switch is seen by the very next mail on every node.</p>
 */
public final class SendAsOwnerIndex {
    private final ConcurrentHashMap<Username, OwnedSendAs> byOwner = new ConcurrentHashMap<>();

    /** The owner's addresses, in no particular order; empty for a user without any. */
    public List<SendAsAddress> ownedBy(Username owner) {
        return OwnedSendAs.toList(byOwner.get(owner));
    }

    /**
     * The addresses of {@code Username.of(authenticatedName)}, the first of their chain: null when it has none, and
     * when the name is no valid Username (as {@code Username.of} would refuse it). A name in canonical form (nearly
     * every one: lower-case ASCII) is probed as it is, any other is parsed first.
     */
    public OwnedSendAs ownedByName(String authenticatedName) {
        if (authenticatedName == null) {
            return null;
        }
        if (UsernameProbe.HASH_AS_USERNAME && UsernameProbe.isCanonical(authenticatedName)) {
            return byOwner.get(new UsernameProbe(authenticatedName));
        }
        try {
            return byOwner.get(Username.of(authenticatedName));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Records that the address with key {@code key} went from {@code previous} to {@code current} (either may be null:
     * added, removed). Callers serialize the calls for one key in the order their own map saw the changes (for
     * instance inside its {@code compute} for that key), so that the index ends as their map does; {@code key} is
     * the key their map holds for it ({@link SendAsKey#of} of the address).
     */
    public void replaced(String key, SendAsAddress previous, SendAsAddress current) {
        if (previous != null && (current == null || !previous.owner().equals(current.owner()))) {
            byOwner.computeIfPresent(previous.owner(), (owner, owned) -> without(owned, key));
        }
        if (current != null) {
            byOwner.compute(current.owner(), (owner, owned) -> with(owned, key, current));
        }
    }

    public void clear() {
        byOwner.clear();
    }

    /** The chain without the address of {@code key}; null when nothing is left. */
    private static OwnedSendAs without(OwnedSendAs owned, String key) {
        OwnedSendAs kept = null;
        for (OwnedSendAs each = owned; each != null; each = each.next()) {
            if (!each.key().equals(key)) {
                kept = new OwnedSendAs(each.sendAs(), each.key(), kept);
            }
        }
        return kept;
    }

    /**
     * The chain with {@code current} in place of the address of {@code key}, holding the key string indexed first
     * for that address (the one the registry's map kept), so that a re-registration adds no second copy of it.
     */
    private static OwnedSendAs with(OwnedSendAs owned, String key, SendAsAddress current) {
        String sharedKey = key;
        OwnedSendAs others = null;
        for (OwnedSendAs each = owned; each != null; each = each.next()) {
            if (each.key().equals(key)) {
                sharedKey = each.key();
            } else {
                others = new OwnedSendAs(each.sendAs(), each.key(), others);
            }
        }
        return new OwnedSendAs(current, sharedKey, others);
    }
}
