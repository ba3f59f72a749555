package io.github.outboundrelay.core;

import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * The relay decision of the {@code FromIsRelayableSendAs} matcher, carried on the mail to the
 * {@code OutboundRelayDelivery} mailet right after it, so that the mailet does not run the rule again: whose send-as
 * address the mail goes out as. Mail attributes are James's own: no sender can set them. The delivery still asks the
 * rule again at each attempt (the policy may change while the mail waits).
 */
public final class RelayDecisionAttributes {
    public static final AttributeName OWNER = AttributeName.of("outbound-relay.decided-owner");
    public static final AttributeName SEND_AS = AttributeName.of("outbound-relay.decided-send-as");

    private RelayDecisionAttributes() {
    }

    /** Carries a decision to relay, and drops one a previous pass left on a mail that is not relayed now. */
    public static void record(Mail mail, SendAsDecision decision) {
        if (decision instanceof SendAsDecision.ThroughRelay relay) {
            SendAsAddress sendAs = relay.address();
            mail.setAttribute(new Attribute(OWNER, AttributeValue.of(sendAs.owner().asString())));
            mail.setAttribute(new Attribute(SEND_AS, AttributeValue.of(sendAs.address().asString())));
        } else {
            clear(mail);
        }
    }

    /** Whether the mail carries a decision of the matcher (not when other matchers routed it to the mailet). */
    public static boolean carried(Mail mail) {
        return mail.getAttribute(SEND_AS).isPresent();
    }

    /**
     * The address the matcher decided to relay the mail as, still registered to its owner (empty: gone meanwhile); the
     * decision is taken off the mail.
     */
    public static Optional<SendAsAddress> take(Mail mail, SendAsRegistry registry) {
        Optional<Username> owner = AttributeUtils.getValueAndCastFromMail(mail, OWNER, String.class).map(Username::of);
        Optional<MailAddress> address = AttributeUtils.getValueAndCastFromMail(mail, SEND_AS, String.class)
            .flatMap(RelayDecisionAttributes::parse);
        clear(mail);
        return owner.flatMap(user -> address.flatMap(sendAs -> registry.findOwnedBy(user, sendAs)));
    }

    private static void clear(Mail mail) {
        mail.removeAttribute(OWNER);
        mail.removeAttribute(SEND_AS);
    }

    private static Optional<MailAddress> parse(String address) {
        try {
            return Optional.of(new MailAddress(address));
        } catch (javax.mail.internet.AddressException e) {
            return Optional.empty();
        }
    }
}
