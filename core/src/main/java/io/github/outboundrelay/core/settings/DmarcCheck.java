package io.github.outboundrelay.core.settings;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.dmarc.DmarcPolicies;
import io.github.outboundrelay.core.dmarc.DmarcPolicy;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.SettingsEventLog;

/**
 * The DMARC check of alternate addresses whose mail our servers send (issue 26): such mail carries the other domain in
 * {@code From:} but leaves from our servers, so it fails that domain's DMARC alignment. Where the owner's domain has
 * the check on ({@link DomainRelayPolicy#dmarcCheck()}, the default):
 * <ul>
 *     <li>saving an address without a relay is refused (OTHER_DOMAIN_REJECTS, 422) when its domain publishes
 *     {@code p=reject}; accepted otherwise, what was seen recorded in the audit trail;</li>
 *     <li>the view of an address whose mail our servers send says what its domain asks ({@code dmarcPolicy}) and warns
 *     ({@code dmarcWarning}) for reject (a policy that hardened after registration), quarantine and unknown;</li>
 *     <li>{@link #toTellOnce} says when the owner must be told that the policy became stricter, once per step (the
 *     audit trail's {@code dmarc-policy-checked} and {@code dmarc-policy-hardened} events are what they were told).</li>
 * </ul>
 * Mail is never held nor dropped for it: it keeps going the way the rule decides.
 */
public class DmarcCheck {
    /** What the views show: the policy and, when it matters, a warning in words. */
    public record Status(DmarcPolicy policy, Optional<String> warning) {
    }

    private final DmarcPolicies dmarc;
    private final DomainRelayPolicies policies;
    private final SettingsEventLog log;
    private final SettingsEvents events;
    /** This node's memory of what each address's owner was told last (by the key of the address), before the log. */
    private final Map<String, DmarcPolicy> told = new ConcurrentHashMap<>();

    @Inject
    public DmarcCheck(DmarcPolicies dmarc, DomainRelayPolicies policies, SettingsEventLog log, SettingsEvents events) {
        this.dmarc = dmarc;
        this.policies = policies;
        this.log = log;
        this.events = events;
    }

    /** No lookup at all, whatever the domains' switches say: for flows built without one (tests of other concerns). */
    static DmarcCheck off(DomainRelayPolicies policies, SettingsEventLog log, SettingsEvents events) {
        return new DmarcCheck(null, policies, log, events);
    }

    /**
     * Before an address is saved to be sent by our servers: OTHER_DOMAIN_REJECTS for {@code p=reject}, next to
     * {@code host} where the owner may add an SMTP server, next to {@code address} otherwise.
     *
     * @return the policy seen, empty when the check is off
     */
    Optional<DmarcPolicy> requireAcceptableWithoutRelay(DomainRelayPolicy ownerPolicy, MailAddress address) {
        if (dmarc == null || !ownerPolicy.dmarcCheck()) {
            return Optional.empty();
        }
        DmarcPolicy policy = dmarc.lookup(address.getDomain());
        if (policy == DmarcPolicy.REJECT) {
            String domain = address.getDomain().asString();
            throw new SendAsSettingsException(Kind.OTHER_DOMAIN_REJECTS,
                Optional.of(ownerPolicy.relayAllowed() ? "host" : "address"),
                domain + " asks receivers to reject mail not sent by its own servers: "
                    + (ownerPolicy.relayAllowed() ? "add its SMTP server"
                    : "its SMTP server is needed, and the administrator of " + ownerPolicy.domain().asString()
                    + " has not allowed SMTP servers of other domains (ask them to)"));
        }
        return Optional.of(policy);
    }

    /** Records what the check saw for an address just saved without relay (the baseline of {@link #toTellOnce}). */
    void recordChecked(Actor actor, SendAsAddress sendAs, Optional<DmarcPolicy> seen) {
        seen.ifPresent(policy -> {
            events.dmarcChecked(actor, sendAs, policy.apiName());
            told.put(sendAs.key(), policy);
        });
    }

    /**
     * The DMARC status of an address, for its view, without waiting for DNS: empty when the check is off for its
     * owner's domain or when its mail goes through its relay.
     */
    public Optional<Status> statusOf(SendAsAddress sendAs) {
        Optional<DomainRelayPolicy> ownerPolicy = checkedPolicyOf(sendAs);
        if (ownerPolicy.isEmpty()) {
            return Optional.empty();
        }
        DmarcPolicy policy = dmarc.known(sendAs.address().getDomain());
        return Optional.of(new Status(policy, warning(sendAs.address().getDomain(), policy, ownerPolicy.get())));
    }

    /**
     * For mail our servers are sending as {@code sendAs}: the policy to tell its owner about, when its domain's policy
     * is stricter than what they were last told; recorded as told. Never waits for DNS (mail is not held for it): the
     * policy known now, a lookup started in the background when there is none or it is older than the cache's max
     * age, so a policy that hardened is told at the first mail after its answer came.
     */
    public Optional<DmarcPolicy> toTellOnce(SendAsAddress sendAs) {
        if (checkedPolicyOf(sendAs).isEmpty()) {
            return Optional.empty();
        }
        DmarcPolicy now = dmarc.known(sendAs.address().getDomain());
        if (!now.harmsMailFromOurServers()) {
            return Optional.empty();
        }
        DmarcPolicy lastTold = told.computeIfAbsent(sendAs.key(), key -> lastToldInTheLog(sendAs));
        if (!now.isStricterThan(lastTold) || !told.replace(sendAs.key(), lastTold, now)) {
            return Optional.empty();
        }
        events.dmarcHardened(sendAs, now.apiName());
        return Optional.of(now);
    }

    /** The words of the warning for {@code policy}; also the notice mail's. */
    public static Optional<String> warning(Domain domain, DmarcPolicy policy, DomainRelayPolicy ownerPolicy) {
        String name = domain.asString();
        String remedy = ownerPolicy.relayAllowed() ? "add its SMTP server"
            : "ask the administrator of " + ownerPolicy.domain().asString() + " to allow SMTP servers of other domains";
        return switch (policy) {
            case REJECT -> Optional.of(name + " now asks receivers to reject mail not sent by its own servers: mail our "
                + "servers send from this address may be rejected (it still goes this way); " + remedy);
            case QUARANTINE -> Optional.of(name + " asks receivers to treat mail not sent by its own servers as spam: mail "
                + "our servers send from this address may end up in spam folders; " + remedy + " to avoid it");
            case UNKNOWN -> Optional.of("The DMARC policy of " + name + " could not be checked yet (no answer from DNS): "
                + "it is checked again later");
            case NONE, NO_RECORD -> Optional.empty();
        };
    }

    /** The owner's domain policy when the check applies to the address: on there, and our servers send its mail. */
    private Optional<DomainRelayPolicy> checkedPolicyOf(SendAsAddress sendAs) {
        return sendAs.owner().getDomainPart().map(policies::get)
            .filter(ownerPolicy -> dmarc != null && ownerPolicy.dmarcCheck() && !throughItsRelay(sendAs, ownerPolicy));
    }

    private static boolean throughItsRelay(SendAsAddress sendAs, DomainRelayPolicy ownerPolicy) {
        return sendAs.relayAccount().filter(account -> ownerPolicy.allowsRelayThrough(account.server())).isPresent();
    }

    private DmarcPolicy lastToldInTheLog(SendAsAddress sendAs) {
        DmarcPolicy last = DmarcPolicy.NONE;
        int offset = 0;
        List<SettingsEvent> page;
        do {
            page = log.find(Optional.of(sendAs.owner()), Optional.of(sendAs.address()), Instant.EPOCH, offset, 500);
            for (SettingsEvent event : page) {
                if (event.type() == SettingsEvent.Type.DMARC_POLICY_CHECKED || event.type() == SettingsEvent.Type.DMARC_POLICY_HARDENED) {
                    last = policyNamed(event.detail());
                }
            }
            offset += page.size();
        } while (page.size() == 500);
        return last;
    }

    private static DmarcPolicy policyNamed(String detail) {
        for (DmarcPolicy policy : DmarcPolicy.values()) {
            if (detail.equals(policy.apiName()) || detail.startsWith(policy.apiName() + ";")) {
                return policy;
            }
        }
        return DmarcPolicy.NONE;
    }
}
