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
 * The other half of the send-as rule: matches every recipient of a mail that an authenticated user writes from one of
 * their verified alternate addresses whose mail our own servers send ({@link SendAsDecision.ThroughOurServers}): the
 * address has no relay, or its relay is not allowed now (relays, or relays without TLS, off for the user's domain),
 * while the domain allows alternate addresses. Also when the {@code From:} is not such an address but the envelope
 * sender is (a MAIL FROM admitted as the alternate address). Placed right after {@link FromIsRelayableSendAs}, with
 * {@code SendOnBehalfOfOwner}, so that the mail then continues down the normal path on behalf of its owner:
 *
 * <pre>{@code
 * <mailet match="io.github.outboundrelay.matchers.FromIsSendAsThroughOurServers"
 *         class="io.github.outboundrelay.mailets.SendOnBehalfOfOwner"/>
 * }</pre>
 */
public class FromIsSendAsThroughOurServers extends GenericMatcher {
    private final OutboundRelayRule rule;

    @Inject
    public FromIsSendAsThroughOurServers(OutboundRelayRule rule) {
        this.rule = rule;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        SendAsDecision decision = rule.decide(mail);
        // Carried to SendOnBehalfOfOwner, which then does not decide again.
        RelayDecisionAttributes.record(mail, decision);
        return decision instanceof SendAsDecision.ThroughOurServers ? mail.getRecipients() : List.of();
    }
}
