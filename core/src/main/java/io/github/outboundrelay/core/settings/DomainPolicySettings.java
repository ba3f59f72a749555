package io.github.outboundrelay.core.settings;

import javax.inject.Inject;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.store.DomainRelayPolicies;

/**
 * Reads and sets a domain's relay policy for every surface that may (WebAdmin and the admin page), recording each change in the
 * audit trail (old and new values). Setting the policy it already has changes nothing and records nothing.
 */
public class DomainPolicySettings {
    private final DomainRelayPolicies policies;
    private final SettingsEvents events;

    @Inject
    public DomainPolicySettings(DomainRelayPolicies policies, SettingsEvents events) {
        this.policies = policies;
        this.events = events;
    }

    public DomainRelayPolicy get(Domain domain) {
        return policies.get(domain);
    }

    /** Applies {@code change} to the domain's policy: the one way WebAdmin and the admin page change it. */
    public DomainRelayPolicy apply(Actor actor, Domain domain, PolicyRequest change) {
        return set(actor, change.toPolicy(get(domain)));
    }

    public DomainRelayPolicy set(Actor actor, DomainRelayPolicy policy) {
        DomainRelayPolicy before = policies.get(policy.domain());
        policies.set(policy);
        if (!before.equals(policy)) {
            events.policyChanged(actor, before, policy);
        }
        return policy;
    }
}
