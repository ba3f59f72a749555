package io.github.outboundrelay.mailets;

import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.server.core.MailImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import io.github.outboundrelay.core.AuthenticatedSender;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.mailets.delivery.DmarcHardeningNotice;

/**
 * Sends a mail written from an alternate address through our own servers on behalf of its owner, as Gmail does
 * ("Send through ourdomain"): the envelope sender (MAIL FROM) becomes the owner's own address, so that bounces come
 * back to them and the gateway never carries the other domain's address as envelope sender, and a {@code Sender:}
 * header with that address is added (replacing any), which is what makes clients show "on behalf of". The
 * {@code From:} and the body are left as they are; the mail then continues down the processor (local recipients
 * delivered locally, the others through the gateway).
 *
 * <p>The owner is the mail's authenticated sender (SMTP AUTH, or JMAP). Use it with the matcher that decides the mail
 * goes through our servers, right after the relay's:</p>
 * <pre>{@code
 * <mailet match="io.github.outboundrelay.matchers.FromIsSendAsThroughOurServers"
 *         class="io.github.outboundrelay.mailets.SendOnBehalfOfOwner"/>
 * }</pre>
 * A mail without an authenticated sender is left untouched (it is not anyone's send-as).
 *
 * <p>Where the owner's domain has the DMARC check on, and the address's domain now asks receivers to reject or
 * quarantine mail not sent by its own servers, stricter than the owner was last told, the owner gets one notice in
 * their mailbox ({@link DmarcHardeningNotice}); the mail goes on as before.</p>
 */
public class SendOnBehalfOfOwner extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(SendOnBehalfOfOwner.class);

    private final UsersRepository usersRepository;
    private final Optional<DmarcHardeningNotice> dmarcNotice;

    @Inject
    public SendOnBehalfOfOwner(UsersRepository usersRepository, DmarcHardeningNotice dmarcNotice) {
        this.usersRepository = usersRepository;
        this.dmarcNotice = Optional.of(dmarcNotice);
    }

    /** Without the DMARC notice. */
    public SendOnBehalfOfOwner(UsersRepository usersRepository) {
        this.usersRepository = usersRepository;
        this.dmarcNotice = Optional.empty();
    }

    @Override
    public void init() throws MessagingException {
        if (getInitParameterNames().hasNext()) {
            throw new MessagingException("SendOnBehalfOfOwner takes no parameter, got '" + getInitParameterNames().next() + "'");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<Username> owner = AuthenticatedSender.of(mail);
        if (owner.isEmpty()) {
            LOGGER.warn("Mail {} has no authenticated sender: not sent on anyone's behalf", mail.getName());
            return;
        }
        if (!(mail instanceof MailImpl envelope)) {
            // Never leave with the alternate address as envelope sender: the error processor gets it instead.
            throw new MessagingException("Cannot set the envelope sender of mail " + mail.getName() + " ("
                + mail.getClass().getName() + ", not James's MailImpl)");
        }
        MailAddress ownAddress = ownAddressOf(owner.get());
        envelope.setSender(ownAddress);
        MimeMessage message = mail.getMessage();
        message.setSender(new InternetAddress(ownAddress.asString()));
        message.saveChanges();
        LOGGER.debug("Mail {} is sent through our servers on behalf of {}", mail.getName(), Printable.of(ownAddress.asString()));
        dmarcNotice.ifPresent(notice -> notice.tellOnceIfHardened(getMailetContext(), mail, ownAddress));
    }

    private MailAddress ownAddressOf(Username owner) throws MessagingException {
        try {
            return usersRepository.getMailAddressFor(owner);
        } catch (UsersRepositoryException e) {
            throw new MessagingException("Cannot find the own address of " + owner.asString(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Sends mail written from an alternate address on behalf of its owner (envelope sender and Sender: header)";
    }
}
