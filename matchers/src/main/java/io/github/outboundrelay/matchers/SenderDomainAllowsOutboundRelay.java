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
 * Matches every recipient of a mail whose authenticated sender belongs to a domain where the admin allowed alternate
 * addresses (on by default) and outbound relaying (off by default), and, when its From is a send-as address of
 * theirs, that address has a relay the domain admits (relaying without TLS when that relay has none).
 * Unauthenticated mail never matches.
 */
public class SenderDomainAllowsOutboundRelay extends GenericMatcher {
    private final OutboundRelayRule rule;

    @Inject
    public SenderDomainAllowsOutboundRelay(OutboundRelayRule rule) {
        this.rule = rule;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        return rule.senderDomainAllowsRelay(mail) ? mail.getRecipients() : List.of();
    }
}
