package io.github.outboundrelay.matchers;

import java.util.Collection;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelayDecisionAttributes;
import io.github.outboundrelay.core.SendAsDecision;

/**
 * The relay half of the send-as rule in one matcher: matches every recipient of a mail that was submitted by an
 * authenticated user, whose {@code From:} is a single mailbox registered as that user's verified external send-as
 * address, with a relay, and whose sender's domain allows alternate addresses and relays (of that security):
 * {@link SendAsDecision.ThroughRelay}. Equivalent to
 * {@code And(FromIsSendAsOfAuthenticatedSender, SenderDomainAllowsOutboundRelay)}. Its other half,
 * {@link FromIsSendAsThroughOurServers}, comes right after it.
 *
 * <pre>{@code
 * <mailet match="io.github.outboundrelay.matchers.FromIsRelayableSendAs" class="ToProcessor">
 *     <processor>outbound-relay</processor>
 * </mailet>
 * }</pre>
 *
 * The decision travels with the mail (mail attributes, {@link RelayDecisionAttributes}) to the
 * {@code OutboundRelayDelivery} mailet of that processor, which queues the mail without deciding again.
 *
 * All recipients match, local ones included: like Gmail's "send through the other domain's SMTP server", the whole
 * mail leaves through the partner relay so every recipient sees the same, aligned, message.
 */
public class FromIsRelayableSendAs extends GenericMatcher {
    private final OutboundRelayRule rule;

    @Inject
    public FromIsRelayableSendAs(OutboundRelayRule rule) {
        this.rule = rule;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        SendAsDecision decision = rule.decide(mail);
        // Carried to OutboundRelayDelivery, which then does not decide again.
        RelayDecisionAttributes.record(mail, decision);
        return decision instanceof SendAsDecision.ThroughRelay ? mail.getRecipients() : List.of();
    }
}
