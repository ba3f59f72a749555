package io.github.outboundrelay.core.store;

import java.util.ArrayList;
import java.util.List;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;

/**
 * One owner's send-as addresses as {@link SendAsOwnerIndex} keeps them for the rule's per-mail path: an immutable
 * chain of the addresses, each with its {@link SendAsKey} computed once, when it was indexed (the very string the
 * registry's map is keyed by), so that the rule reads the verification state without building the key again on
 * every mail. A node costs what the one-element list it replaces did.
 *
 * <p>Only the address and its key are here: what may change under them (verification, the domain's policy, our
 * domains) is read live by the rule on every mail.</p>
 */
public final class OwnedSendAs {
    private final SendAsAddress sendAs;
    private final String key;
    private final OwnedSendAs next;

    OwnedSendAs(SendAsAddress sendAs, String key, OwnedSendAs next) {
        this.sendAs = sendAs;
        this.key = key;
        this.next = next;
    }

    public SendAsAddress sendAs() {
        return sendAs;
    }

    /** {@link SendAsKey#of} of the address. */
    public String key() {
        return key;
    }

    /** The owner's next address, null after the last one. */
    public OwnedSendAs next() {
        return next;
    }

    /** The addresses of the chain that starts at {@code first} (null: none), in chain order. */
    public static List<SendAsAddress> toList(OwnedSendAs first) {
        if (first == null) {
            return List.of();
        }
        List<SendAsAddress> addresses = new ArrayList<>();
        for (OwnedSendAs owned = first; owned != null; owned = owned.next) {
            addresses.add(owned.sendAs);
        }
        return List.copyOf(addresses);
    }

    /** A chain of {@code addresses} with their keys computed now: for registries without an owner index. */
    public static OwnedSendAs chainOf(List<SendAsAddress> addresses) {
        OwnedSendAs first = null;
        for (int i = addresses.size() - 1; i >= 0; i--) {
            first = new OwnedSendAs(addresses.get(i), addresses.get(i).key(), first);
        }
        return first;
    }
}
