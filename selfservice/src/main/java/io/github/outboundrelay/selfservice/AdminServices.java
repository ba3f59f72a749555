package io.github.outboundrelay.selfservice;

import java.util.Comparator;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayHealthCheck;
import io.github.outboundrelay.core.secrets.RotatingSecretSealer;
import io.github.outboundrelay.core.secrets.SecretRotation;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.OAuthProviderRequest;
import io.github.outboundrelay.core.settings.OAuthProviderSettings;
import io.github.outboundrelay.core.settings.SendAsOverview;
import io.github.outboundrelay.core.settings.SendAsSettingsException;

/**
 * The core services the admin area calls besides the users' ones, injected by Guice: the very ones behind WebAdmin's
 * outbound-relay routes (nothing is reimplemented here, and nothing goes through WebAdmin's HTTP).
 */
public class AdminServices {
    final DomainList domainList;
    final DomainPolicySettings policies;
    final SendAsOverview overview;
    final AuditTrail trail;
    final RelayHealthCheck health;
    final SecretRotation rotation;
    final RotatingSecretSealer keys;
    final OAuthProviderSettings providers;
    final OAuthProviderRequest providerRequests;

    @Inject
    public AdminServices(DomainList domainList, DomainPolicySettings policies, SendAsOverview overview, AuditTrail trail,
                         RelayHealthCheck health, SecretRotation rotation, RotatingSecretSealer keys,
                         OAuthProviderSettings providers, OAuthProviderRequest providerRequests) {
        this.domainList = domainList;
        this.policies = policies;
        this.overview = overview;
        this.trail = trail;
        this.health = health;
        this.rotation = rotation;
        this.keys = keys;
        this.providers = providers;
        this.providerRequests = providerRequests;
    }

    /** James's domains, by name. */
    List<Domain> domains() {
        try {
            return domainList.getDomains().stream().sorted(Comparator.comparing(Domain::asString)).toList();
        } catch (DomainListException e) {
            throw unavailable();
        }
    }

    /** The domain a page shows first: James's default domain, else the first by name; null when James has none. */
    Domain firstDomain() {
        List<Domain> domains = domains();
        try {
            Domain preferred = domainList.getDefaultDomain();
            if (domains.contains(preferred)) {
                return preferred;
            }
        } catch (DomainListException e) {
            throw unavailable();
        }
        return domains.stream().findFirst().orElse(null);
    }

    /** A domain of this server: 400 naming {@code domain} when it is not a domain name, 404 when James does not serve it. */
    Domain knownDomain(String name) {
        Domain domain;
        try {
            domain = Domain.of(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("domain", "is not a valid domain: " + e.getMessage());
        }
        try {
            if (!domainList.containsDomain(domain)) {
                throw new SendAsSettingsException(SendAsSettingsException.Kind.NOT_FOUND, "Domain " + domain.asString()
                    + " is not a domain of this server");
            }
        } catch (DomainListException e) {
            throw unavailable();
        }
        return domain;
    }

    private static SendAsSettingsException unavailable() {
        return new SendAsSettingsException(SendAsSettingsException.Kind.UNAVAILABLE, "Cannot read the domain list");
    }
}
