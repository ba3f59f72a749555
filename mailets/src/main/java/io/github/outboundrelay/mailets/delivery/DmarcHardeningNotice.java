package io.github.outboundrelay.mailets.delivery;

import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.mustachejava.Mustache;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayDecisionAttributes;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.dmarc.DmarcPolicy;
import io.github.outboundrelay.core.settings.DmarcCheck;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * The one notice an owner gets when the domain of an address our servers send as on their behalf now asks receivers
 * to reject or quarantine mail not sent by its own servers, stricter than the owner was last told
 * ({@link DmarcCheck#toTellOnce}); {@code dmarc-hardened.mustache}. The mail itself goes on whatever happens here.
 */
public class DmarcHardeningNotice {
    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcHardeningNotice.class);

    private static final Mustache DMARC_HARDENED = MailTemplates.compile("dmarc-hardened.mustache");

    /** The notice's values. */
    record DmarcHardened(String domain, String address, String policy, boolean reject, String warning) {
    }

    private final OutboundRelayRule rule;
    private final SendAsRegistry registry;
    private final DmarcCheck dmarc;
    private final DomainRelayPolicies policies;

    @Inject
    public DmarcHardeningNotice(OutboundRelayRule rule, SendAsRegistry registry, DmarcCheck dmarc,
                                DomainRelayPolicies policies) {
        this.rule = rule;
        this.registry = registry;
        this.dmarc = dmarc;
        this.policies = policies;
    }

    /** Tells {@code ownAddress} once if the send-as address of {@code mail} is now at risk. Never fails the mail. */
    public void tellOnceIfHardened(MailetContext context, Mail mail, MailAddress ownAddress) {
        try {
            // What FromIsSendAsThroughOurServers decided; the rule again only for mail other matchers routed here.
            Optional<SendAsAddress> sendAs = RelayDecisionAttributes.carriedThroughOurServers(mail)
                ? RelayDecisionAttributes.takeThroughOurServers(mail, registry)
                : rule.decide(mail).sendAs();
            Optional<DmarcPolicy> hardened = sendAs.flatMap(dmarc::toTellOnce);
            if (hardened.isPresent()) {
                send(context, sendAs.get(), hardened.get(), ownAddress);
            }
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("The DMARC notice about mail {} could not be sent ({})", mail.getName(), e.getClass().getSimpleName());
        }
    }

    private void send(MailetContext context, SendAsAddress sendAs, DmarcPolicy hardened, MailAddress ownAddress)
        throws MessagingException {
        Domain domain = sendAs.address().getDomain();
        boolean reject = hardened == DmarcPolicy.REJECT;
        String warning = DmarcCheck.warning(domain, hardened, policies.get(ownAddress.getDomain())).orElseThrow();
        OwnerNotice.send(context, ownAddress, "dmarc-notice", domain.asString() + " may "
                + (reject ? "reject" : "file as spam") + " your mail from " + sendAs.address().asString(),
            MailTemplates.render(DMARC_HARDENED, new DmarcHardened(domain.asString(), sendAs.address().asString(),
                hardened.apiName(), reject, warning)));
        LOGGER.info("Told {} that {} now publishes DMARC p={}", Printable.of(ownAddress.asString()), domain.asString(), hardened.apiName());
    }
}
