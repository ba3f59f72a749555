package io.github.outboundrelay.core.store;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicy;

/**
 * Per-domain relay policies. Reads are on the per-mail path and are answered from memory; a write is seen by the
 * very next read.
 */
public interface DomainRelayPolicies {
    DomainRelayPolicy get(Domain domain);

    void set(DomainRelayPolicy policy);

    default boolean isRelayAllowed(Domain domain) {
        return get(domain).relayAllowed();
    }
}
