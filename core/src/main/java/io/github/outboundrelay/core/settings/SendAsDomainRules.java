package io.github.outboundrelay.core.settings;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.store.DomainRelayPolicies;

/**
 * What the owner's domain lets the settings flow write: alternate addresses at all (DOMAIN_NOT_ALLOWED when its admin
 * turned them off), a relay (DOMAIN_NOT_ALLOWED while relays are not allowed), a relay without TLS (400 naming
 * {@code security}); and an address must not be in one of our domains (400 naming {@code address}).
 */
final class SendAsDomainRules {
    private final DomainRelayPolicies policies;
    private final DomainList domainList;

    SendAsDomainRules(DomainRelayPolicies policies, DomainList domainList) {
        this.policies = policies;
        this.domainList = domainList;
    }

    DomainRelayPolicy policyOf(Username owner) {
        return policies.get(domainOf(owner));
    }

    /** Writes need the owner's domain to allow alternate addresses; reads and removal never do. */
    void requireAlternateAddressesAllowed(Username owner) {
        if (!policyOf(owner).alternateAddressesAllowed()) {
            throw new SendAsSettingsException(Kind.DOMAIN_NOT_ALLOWED, "Alternate addresses are turned off for "
                + domainOf(owner).asString() + ": its administrator does not allow users to send mail as their other "
                + "addresses");
        }
    }

    /** Saving or testing a relay also needs the owner's domain to allow relays. */
    void requireRelayAllowed(Username owner) {
        if (!policyOf(owner).relayAllowed()) {
            throw new SendAsSettingsException(Kind.DOMAIN_NOT_ALLOWED, "Outbound relay is not enabled for "
                + domainOf(owner).asString() + ": its administrator has not allowed users to send mail as their other "
                + "addresses through their own relays");
        }
    }

    void requireAdmittedSecurity(Username owner, RelaySecurity security) {
        if (!owner.getDomainPart().map(policies::get).map(policy -> policy.admits(security)).orElse(security.isEncrypted())) {
            throw new InvalidFieldException("security", security + " sends the relay password in clear; use SMTPS or "
                + "STARTTLS, or have the admin set allowInsecure on the domain of " + owner.asString());
        }
    }

    void requireForeign(MailAddress address) {
        if (isLocal(address.getDomain())) {
            throw new InvalidFieldException("address", "must not be in one of our domains: " + address.getDomain().asString()
                + " is local, its mail is ours to send");
        }
    }

    private static Domain domainOf(Username owner) {
        return owner.getDomainPart().orElseThrow(() -> new InvalidFieldException("user",
            "has no domain part: " + owner.asString()));
    }

    private boolean isLocal(Domain domain) {
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            throw new SendAsSettingsException(Kind.UNAVAILABLE, "Cannot read the domain list");
        }
    }
}
