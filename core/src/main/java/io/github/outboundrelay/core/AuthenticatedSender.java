package io.github.outboundrelay.core;

import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

/**
 * Who submitted a mail after authenticating, as James records it: SMTP AUTH sets {@link Mail#SMTP_AUTH_USER}, JMAP
 * submission sets its own attribute. Mail that came in without authentication has neither, and a remote client
 * cannot set mail attributes.
 */
public final class AuthenticatedSender {
    /** Set by James's JMAP submission (the attribute that {@code SentByJmap} checks). */
    public static final AttributeName JMAP_USERNAME = AttributeName.of("org.apache.james.jmap.send.MailMetaData.username");

    private AuthenticatedSender() {
    }

    public static Optional<Username> of(Mail mail) {
        return name(mail).flatMap(AuthenticatedSender::parse);
    }

    /**
     * The name as James recorded it, not blank, before it is parsed into a {@link Username} ({@link #of} parses it):
     * for {@link SendAsOwnerIndex#ownedByName}, which probes with a name in canonical form as it is.
     */
    public static Optional<String> name(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class)
            .or(() -> AttributeUtils.getValueAndCastFromMail(mail, JMAP_USERNAME, String.class))
            .filter(name -> !name.isBlank());
    }

    private static Optional<Username> parse(String name) {
        try {
            return Optional.of(Username.of(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
