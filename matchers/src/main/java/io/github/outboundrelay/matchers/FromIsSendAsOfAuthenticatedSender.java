package io.github.outboundrelay.matchers;

import java.util.Collection;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import io.github.outboundrelay.core.OutboundRelayRule;

/**
 * Matches every recipient of a mail submitted by an authenticated user (SMTP AUTH or JMAP) whose {@code From:} is a
 * single mailbox registered as that user's send-as address in a domain that is not ours. Ignores domain policies:
 * compose with {@link SenderDomainAllowsOutboundRelay} through James's {@code And}/{@code Not}.
 */
public class FromIsSendAsOfAuthenticatedSender extends GenericMatcher {
    private final OutboundRelayRule rule;

    @Inject
    public FromIsSendAsOfAuthenticatedSender(OutboundRelayRule rule) {
        this.rule = rule;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        return rule.registeredSendAs(mail).isPresent() ? mail.getRecipients() : List.of();
    }
}
