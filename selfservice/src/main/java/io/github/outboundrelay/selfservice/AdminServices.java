package io.github.outboundrelay.selfservice;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;

import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.RelayHealthCheck;
import io.github.outboundrelay.core.settings.DomainPolicySettings;

/**
 * The core services the admin area calls besides the users' ones, injected by Guice: the very ones behind WebAdmin's
 * outbound-relay routes (nothing is reimplemented here, and nothing goes through WebAdmin's HTTP).
 */
public class AdminServices {
    final DomainList domainList;
    final DomainPolicySettings policies;
    final AuditTrail trail;
    final RelayHealthCheck health;

    @Inject
    public AdminServices(DomainList domainList, DomainPolicySettings policies, AuditTrail trail, RelayHealthCheck health) {
        this.domainList = domainList;
        this.policies = policies;
        this.trail = trail;
        this.health = health;
    }
}
