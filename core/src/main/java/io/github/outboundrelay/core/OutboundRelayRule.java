package io.github.outboundrelay.core;

import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.mailet.Mail;

import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * The rule that sends a mail through its author's own relay, in the pieces the matchers compose:
 * <ol>
 *     <li>it was submitted by an authenticated local user;</li>
 *     <li>its {@code From:} is a single mailbox that is a send-as address registered to <em>that</em> user, verified,
 *     and not in one of our domains;</li>
 *     <li>the user's domain allows relaying (and relaying without TLS, when that relay has none).</li>
 * </ol>
 * Every lookup is answered from memory.
 */
public class OutboundRelayRule {
    private final SendAsRegistry registry;
    private final DomainRelayPolicies policies;
    private final DomainList domainList;
    private final SendAsVerifier verifier;

    @Inject
    public OutboundRelayRule(SendAsRegistry registry, DomainRelayPolicies policies, DomainList domainList,
                             SendAsVerifier verifier) {
        this.registry = registry;
        this.policies = policies;
        this.domainList = domainList;
        this.verifier = verifier;
    }

    /**
     * The whole rule: the send-as address whose relay must deliver this mail, if any. A relay without TLS counts only
     * while the domain also allows insecure relays; otherwise the mail takes the normal path.
     */
    public Optional<SendAsAddress> relayableSendAs(Mail mail) throws MessagingException {
        return registeredSendAs(mail)
            .filter(this::domainAllowsRelayThrough);
    }

    private boolean domainAllowsRelayThrough(SendAsAddress sendAs) {
        return sendAs.owner().getDomainPart()
            .map(policies::get)
            .map(policy -> policy.relayAllowed() && policy.admits(sendAs.relay().security()))
            .orElse(false);
    }

    /** Pieces 1 and 2: the From is a foreign send-as address of the authenticated sender. */
    public Optional<SendAsAddress> registeredSendAs(Mail mail) throws MessagingException {
        Optional<Username> sender = AuthenticatedSender.of(mail);
        if (sender.isEmpty()) {
            return Optional.empty();
        }
        return FromHeader.singleMailboxKey(mail.getMessage())
            .flatMap(registry::findByKey)
            .filter(sendAs -> sendAs.isOwnedBy(sender.get()))
            .filter(verifier::isVerified)
            .filter(sendAs -> !isLocal(sendAs.address().getDomain()));
    }

    /**
     * Piece 3: the authenticated sender's domain allows relaying, and, when the From is a send-as address whose relay
     * has no TLS, relaying without TLS too; so that {@code And} of pieces 1-2 and 3 is exactly the whole rule.
     */
    public boolean senderDomainAllowsRelay(Mail mail) throws MessagingException {
        Optional<Username> sender = AuthenticatedSender.of(mail);
        if (sender.isEmpty() || !domainAllowsRelay(sender.get())) {
            return false;
        }
        return registeredSendAs(mail)
            .map(this::domainAllowsRelayThrough)
            .orElse(true);
    }

    /**
     * Whether {@code address} may be used as MAIL FROM by {@code user}: exactly what the matcher requires of a From,
     * registered to them, verified, in a foreign domain, and the user's domain allows relaying (through a relay of
     * that security). Otherwise the stock identity check decides (and refuses it): mail sent as that address while
     * relaying is off would otherwise leave through the gateway with a forged envelope sender.
     */
    public boolean isForeignSendAsOf(Username user, MailAddress address) {
        return registry.findOwnedBy(user, address)
            .filter(verifier::isVerified)
            .filter(this::domainAllowsRelayThrough)
            .isPresent() && !isLocal(address.getDomain());
    }

    private boolean domainAllowsRelay(Username user) {
        return user.getDomainPart()
            .map(policies::isRelayAllowed)
            .orElse(false);
    }

    private boolean isLocal(Domain domain) {
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            // Fail closed: an address we cannot prove foreign is never relayed.
            return true;
        }
    }
}
