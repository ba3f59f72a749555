package io.github.outboundrelay.smtp;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.apache.james.user.api.UsersRepository;

import io.github.outboundrelay.core.OutboundRelayRule;

/**
 * James's sender identity check ({@code verifyIdentity}) that also admits, as MAIL FROM of an authenticated user, the
 * external send-as addresses registered to that user and verified, while the user's domain allows alternate
 * addresses, with or without a relay ({@link OutboundRelayRule#maySendAs}: the very rule of the matchers, through the
 * relay or through our servers). Every other case is decided by the stock hook, unchanged: unauthenticated sessions,
 * null senders, other users' addresses, pending and unregistered external addresses.
 * <p>
 * Loaded by {@link SendAsCoreCmdHandlerLoader} in place of the stock hook; Guice builds it in the extension's
 * injector, so {@link OutboundRelayRule} reads the same registry the admin API writes.
 */
public class SendAsSenderIdentityHook extends SenderAuthIdentifyVerificationHook {
    private final OutboundRelayRule rule;

    @Inject
    public SendAsSenderIdentityHook(DomainList domains, UsersRepository users, CanSendFrom canSendFrom, OutboundRelayRule rule) {
        super(domains, users, canSendFrom);
        this.rule = rule;
    }

    /** Called by both doMail and doRcpt (the stock hook re-checks at RCPT in case MAIL was skipped). */
    @Override
    public HookResult doCheck(SMTPSession session, MaybeSender sender) {
        if (isOwnForeignSendAsAddress(session, sender)) {
            // Same answer the stock hook gives an allowed sender: let the rest of the chain decide.
            return HookResult.DECLINED;
        }
        // Anything else, including every refusal, is exactly the stock decision.
        return super.doCheck(session, sender);
    }

    private boolean isOwnForeignSendAsAddress(SMTPSession session, MaybeSender sender) {
        // Only an authenticated user, and only with a real address: the null sender stays refused by the stock check.
        return session.getUsername() != null
            && sender != null
            && !sender.isNullSender()
            && rule.maySendAs(session.getUsername(), sender.get());
    }
}
