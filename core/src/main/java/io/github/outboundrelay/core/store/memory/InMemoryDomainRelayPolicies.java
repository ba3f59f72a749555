package io.github.outboundrelay.core.store.memory;

import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.store.DomainRelayPolicies;

public class InMemoryDomainRelayPolicies implements DomainRelayPolicies {
    private final ConcurrentHashMap<Domain, DomainRelayPolicy> policies = new ConcurrentHashMap<>();

    @Override
    public DomainRelayPolicy get(Domain domain) {
        DomainRelayPolicy policy = policies.get(domain);
        return policy != null ? policy : DomainRelayPolicy.defaultFor(domain);
    }

    @Override
    public void set(DomainRelayPolicy policy) {
        policies.put(policy.domain(), policy);
    }
}
