package io.github.outboundrelay.core;

import org.junit.jupiter.api.BeforeEach;

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
