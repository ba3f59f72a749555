package io.github.outboundrelay.core;

import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * The send-as decision of a matcher, carried on the mail to the mailet right after it, so that the mailet does not run
 * the rule again: whose send-as address the mail goes out as, and which way ({@code FromIsRelayableSendAs} to
 * {@code OutboundRelayDelivery}, {@code FromIsSendAsThroughOurServers} to {@code SendOnBehalfOfOwner}). Mail attributes are James's own: no sender can set them. The delivery still asks the
 * rule again at each attempt (the policy may change while the mail waits).
 */
public final class RelayDecisionAttributes {
    public static final AttributeName OWNER = AttributeName.of("outbound-relay.decided-owner");
    public static final AttributeName SEND_AS = AttributeName.of("outbound-relay.decided-send-as");
    public static final AttributeName PATH = AttributeName.of("outbound-relay.decided-path");
    private static final String THROUGH_RELAY = "relay";
    private static final String THROUGH_OUR_SERVERS = "ourServers";

    private RelayDecisionAttributes() {
    }

    /** Carries a decision to send as an address, and drops one a previous pass left on a mail that is no send-as now. */
    public static void record(Mail mail, SendAsDecision decision) {
        Optional<SendAsAddress> sendAs = decision.sendAs();
        if (sendAs.isPresent() && (decision instanceof SendAsDecision.ThroughRelay
                || decision instanceof SendAsDecision.ThroughOurServers)) {
            mail.setAttribute(new Attribute(OWNER, AttributeValue.of(sendAs.get().owner().asString())));
            mail.setAttribute(new Attribute(SEND_AS, AttributeValue.of(sendAs.get().address().asString())));
            mail.setAttribute(new Attribute(PATH, AttributeValue.of(decision.path())));
        } else {
            clear(mail);
        }
    }

    /** Whether the mail carries a decision to relay (not when other matchers routed it to the mailet). */
    public static boolean carried(Mail mail) {
        return carriedOn(mail, THROUGH_RELAY);
    }

    /**
     * The address the matcher decided to relay the mail as, still registered to its owner (empty: gone meanwhile); the
     * decision is taken off the mail.
     */
    public static Optional<SendAsAddress> take(Mail mail, SendAsRegistry registry) {
        return takeOn(mail, THROUGH_RELAY, registry);
    }

    /** Whether the mail carries a decision to send it through our servers on behalf of its owner. */
    public static boolean carriedThroughOurServers(Mail mail) {
        return carriedOn(mail, THROUGH_OUR_SERVERS);
    }

    /** As {@link #take}, for a decision to send the mail through our servers. */
    public static Optional<SendAsAddress> takeThroughOurServers(Mail mail, SendAsRegistry registry) {
        return takeOn(mail, THROUGH_OUR_SERVERS, registry);
    }

    private static boolean carriedOn(Mail mail, String path) {
        return AttributeUtils.getValueAndCastFromMail(mail, PATH, String.class).filter(path::equals).isPresent();
    }

    private static Optional<SendAsAddress> takeOn(Mail mail, String path, SendAsRegistry registry) {
        if (!carriedOn(mail, path)) {
            return Optional.empty();
        }
        Optional<Username> owner = AttributeUtils.getValueAndCastFromMail(mail, OWNER, String.class).map(Username::of);
        Optional<MailAddress> address = AttributeUtils.getValueAndCastFromMail(mail, SEND_AS, String.class)
            .flatMap(RelayDecisionAttributes::parse);
        clear(mail);
        return owner.flatMap(user -> address.flatMap(sendAs -> registry.findOwnedBy(user, sendAs)));
    }

    private static void clear(Mail mail) {
        mail.removeAttribute(OWNER);
        mail.removeAttribute(SEND_AS);
        mail.removeAttribute(PATH);
    }

    private static Optional<MailAddress> parse(String address) {
        try {
            return Optional.of(new MailAddress(address));
        } catch (javax.mail.internet.AddressException e) {
            return Optional.empty();
        }
    }
}
