package io.github.outboundrelay.core;

import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.mailet.Mail;

import io.github.outboundrelay.core.SendAsDecision.NotSendAs;
import io.github.outboundrelay.core.SendAsDecision.Reason;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.OwnedSendAs;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * The one rule that decides ({@link SendAsDecision}) for SMTP submission, JMAP and the matchers whether and how a
 * user sends as an alternate address. For authenticated user U writing as address A:
 * <ol>
 *     <li>A is registered to <em>U</em>, not in one of our domains, and verified, and U's domain allows alternate
 *     addresses: otherwise it is no send-as ({@link NotSendAs});</li>
 *     <li>then through A's relay when A has one and U's domain allows relays (and relays without TLS, when that relay
 *     has none): {@link SendAsDecision.ThroughRelay};</li>
 *     <li>otherwise through our servers, on behalf of U: {@link SendAsDecision.ThroughOurServers}.</li>
 * </ol>
 * Every lookup is answered from memory; a change of policy or address is seen by the very next decision. Per mail,
 * one probe of the registry's owner index ({@link SendAsRegistry#ownedByAuthenticatedName}, with the authenticated
 * name as James recorded it) gives the sender's few addresses with their keys; the From and envelope are compared
 * with those, and only a send-as reads the verification (by the key the index holds), policy and domain list, which
 * are never cached here.
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
     * The decision for a mail: by its {@code From:} (a single mailbox, strictly parsed) and its authenticated sender.
     * When the From is no send-as of the sender but the envelope sender is one of their alternate addresses that may
     * be sent as, the mail goes through our servers on their behalf: the envelope sender an alternate address was
     * admitted as (at MAIL FROM, or JMAP's) never leaves as it is through the normal path.
     */
    public SendAsDecision decide(Mail mail) throws MessagingException {
        OwnedSendAs owned = ownedByAuthenticatedSender(mail);
        if (owned == null) {
            // Most users: one probe of the owner index answers, before any header is read.
            return NotSendAs.NOT_AN_ALTERNATE_ADDRESS;
        }
        SendAsDecision byFrom = FromHeader.singleMailboxAmong(mail.getMessage(), owned)
            .map(this::decide)
            .orElse(NotSendAs.NOT_AN_ALTERNATE_ADDRESS);
        if (byFrom.isSendAs()) {
            return byFrom;
        }
        return envelopeSendAs(mail.getMaybeSender(), owned)
            .map(this::decide)
            .filter(SendAsDecision::isSendAs)
            .<SendAsDecision>map(byEnvelope -> new SendAsDecision.ThroughOurServers(byEnvelope.sendAs().orElseThrow(), byEnvelope.reason()))
            .orElse(byFrom);
    }

    /**
     * The addresses of the mail's authenticated sender, the first of their chain: null when it has none or no
     * authenticated sender. The name is probed as James recorded it ({@link SendAsRegistry#ownedByAuthenticatedName}).
     */
    private OwnedSendAs ownedByAuthenticatedSender(Mail mail) {
        Optional<String> name = AuthenticatedSender.name(mail);
        return name.isEmpty() ? null : registry.ownedByAuthenticatedName(name.get());
    }

    /** The one of {@code owned} that is the envelope sender. */
    private static Optional<OwnedSendAs> envelopeSendAs(MaybeSender envelope, OwnedSendAs owned) {
        if (envelope == null || envelope.isNullSender()) {
            return Optional.empty();
        }
        for (OwnedSendAs candidate = owned; candidate != null; candidate = candidate.next()) {
            if (SendAsKey.isKeyOf(candidate.key(), envelope.get())) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The decision for {@code user} writing as {@code address} (MAIL FROM, JMAP's From and envelope). */
    public SendAsDecision decide(Username user, MailAddress address) {
        return registry.findOwnedBy(user, address)
            .map(this::decide)
            .orElse(NotSendAs.NOT_AN_ALTERNATE_ADDRESS);
    }

    /** The decision for mail its owner writes from {@code sendAs}: what the APIs show as its path. */
    public SendAsDecision decide(SendAsAddress sendAs) {
        return decide(sendAs, sendAs.key());
    }

    /** The per-mail path: the address's key comes from the owner index, computed when the address was indexed. */
    private SendAsDecision decide(OwnedSendAs owned) {
        return decide(owned.sendAs(), owned.key());
    }

    /** Everything that may change (our domains, the policy, the verification) is read live, here, on every call. */
    private SendAsDecision decide(SendAsAddress sendAs, String key) {
        if (isLocal(sendAs.address().getDomain())) {
            return NotSendAs.LOCAL_ADDRESS;
        }
        Optional<DomainRelayPolicy> policy = sendAs.owner().getDomainPart().map(policies::get);
        if (policy.isEmpty() || !policy.get().alternateAddressesAllowed()) {
            return NotSendAs.ALTERNATE_ADDRESSES_OFF;
        }
        if (!verifier.isVerified(sendAs, key)) {
            return NotSendAs.PENDING;
        }
        if (sendAs.relayAccount().isEmpty()) {
            return new SendAsDecision.ThroughOurServers(sendAs, Reason.NO_RELAY);
        }
        RelayAccount account = sendAs.relayAccount().get();
        if (policy.get().allowsRelayThrough(account.server())) {
            return new SendAsDecision.ThroughRelay(sendAs, account);
        }
        return new SendAsDecision.ThroughOurServers(sendAs,
            policy.get().relayAllowed() ? Reason.INSECURE_RELAYS_OFF : Reason.RELAYS_OFF);
    }

    /** Whether {@code user} may write as {@code address} (at MAIL FROM, in JMAP): any decision but no send-as. */
    public boolean maySendAs(Username user, MailAddress address) {
        return decide(user, address).isSendAs();
    }

    /**
     * For {@code FromIsSendAsOfAuthenticatedSender}: the From is a verified, foreign alternate address of the
     * authenticated sender, whatever the domain's policy.
     */
    public Optional<SendAsAddress> registeredSendAs(Mail mail) throws MessagingException {
        OwnedSendAs owned = ownedByAuthenticatedSender(mail);
        if (owned == null) {
            return Optional.empty();
        }
        return FromHeader.singleMailboxAmong(mail.getMessage(), owned)
            .filter(candidate -> verifier.isVerified(candidate.sendAs(), candidate.key()))
            .map(OwnedSendAs::sendAs)
            .filter(sendAs -> !isLocal(sendAs.address().getDomain()));
    }

    /**
     * For {@code SenderDomainAllowsOutboundRelay}: the authenticated sender's domain allows alternate addresses and
     * relaying, and, when the From is an alternate address of theirs, that address has a relay the domain admits (its
     * security); so that {@code And} of it and {@code FromIsSendAsOfAuthenticatedSender} is exactly
     * {@link SendAsDecision.ThroughRelay}.
     */
    public boolean senderDomainAllowsRelay(Mail mail) throws MessagingException {
        Optional<DomainRelayPolicy> policy = AuthenticatedSender.of(mail).flatMap(Username::getDomainPart).map(policies::get);
        if (policy.isEmpty() || !policy.get().alternateAddressesAllowed() || !policy.get().relayAllowed()) {
            return false;
        }
        return registeredSendAs(mail)
            .map(sendAs -> sendAs.relayAccount().filter(account -> policy.get().allowsRelayThrough(account.server())).isPresent())
            .orElse(true);
    }

    private boolean isLocal(Domain domain) {
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            // Fail closed: an address we cannot prove foreign is never sent as.
            return true;
        }
    }
}
