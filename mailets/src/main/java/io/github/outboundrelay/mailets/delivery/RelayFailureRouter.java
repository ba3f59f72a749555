package io.github.outboundrelay.mailets.delivery;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsDecision;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;

/**
 * Ends mail the send-as relay could not take for a relay-side reason (lifetime over, credentials refused for good): a
 * DSN to the sender by default, or, only when the admin set {@code onFailure=gateway}, the normal path through
 * {@code gatewayProcessor} (James's RemoteDelivery) with the envelope unchanged. Recipients the relay refused with 5xx
 * are never routed here: that is a real bounce. Mail whose relay is no longer allowed is sent through our servers
 * instead ({@link #sendThroughOurServers}).
 */
public class RelayFailureRouter {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayFailureRouter.class);

    private final RelayDeliveryConfiguration configuration;
    private final MailetContext context;
    private final RelayBouncer bouncer;
    private final MetricFactory metricFactory;

    public RelayFailureRouter(RelayDeliveryConfiguration configuration, MailetContext context, RelayBouncer bouncer,
                       MetricFactory metricFactory) {
        this.configuration = configuration;
        this.context = context;
        this.bouncer = bouncer;
        this.metricFactory = metricFactory;
    }

    void giveUp(Mail mail, Collection<MailAddress> recipients, SendAsAddress sendAs, String diagnostic) throws MessagingException {
        if (configuration.onFailure() == RelayDeliveryConfiguration.OnFailure.GATEWAY) {
            sendThroughGateway(mail, recipients, sendAs, diagnostic);
            return;
        }
        metricFactory.generate("outbound-relay-bounced").add(recipients.size());
        bouncer.bounce(mail, recipients, sendAs.owner(), diagnostic);
    }

    /**
     * A queued mail whose address's relay is no longer allowed (relays, or relays without TLS, switched off since it
     * was queued) goes back to {@code ourServersProcessor}, where the same rule sends it through our servers on behalf
     * of its owner, as it would a new one.
     */
    void sendThroughOurServers(Mail mail, SendAsDecision.ThroughOurServers decision) throws MessagingException {
        metricFactory.generate("outbound-relay-through-our-servers").add(mail.getRecipients().size());
        LOGGER.info("Outbound relay hands mail of {} back to processor '{}' ({}): its relay is no longer allowed",
            Printable.of(decision.address().owner().asString()), configuration.ourServersProcessor(), decision.reason().apiName());
        context.sendMail(mail, configuration.ourServersProcessor());
    }

    private void sendThroughGateway(Mail mail, Collection<MailAddress> recipients, SendAsAddress sendAs, String diagnostic)
            throws MessagingException {
        MailImpl copy = MailImpl.duplicate(mail);
        try {
            copy.setRecipients(recipients);
            context.sendMail(copy, configuration.gatewayProcessor());
        } finally {
            LifecycleUtil.dispose(copy);
        }
        metricFactory.generate("outbound-relay-gatewayed").add(recipients.size());
        LOGGER.warn("Outbound relay gave up on mail of {} and sent it to processor '{}' instead: {}", Printable.of(sendAs.owner().asString()),
            configuration.gatewayProcessor(), diagnostic);
    }
}
