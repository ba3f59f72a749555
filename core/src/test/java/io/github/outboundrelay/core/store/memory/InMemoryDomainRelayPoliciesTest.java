package io.github.outboundrelay.core.store.memory;

import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.DomainRelayPoliciesContract;

class InMemoryDomainRelayPoliciesTest implements DomainRelayPoliciesContract {
    InMemoryDomainRelayPolicies policies;

    @BeforeEach
    void setUp() {
        policies = new InMemoryDomainRelayPolicies();
    }

    @Override
    public DomainRelayPolicies policies() {
        return policies;
    }
}
