package io.github.outboundrelay.store.jdbc;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicies;
import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.StoreUnavailableException;

/**
 * The domain policies of a {@link JdbcOutboundRelayStore}: reads from its in-memory view (default policy for a domain
 * without one), writes through to the database.
 */
public final class JdbcDomainRelayPolicies implements DomainRelayPolicies {
    private final JdbcOutboundRelayStore store;

    JdbcDomainRelayPolicies(JdbcOutboundRelayStore store) {
        this.store = store;
    }

    @Override
    public DomainRelayPolicy get(Domain domain) {
        return store.findPolicy(domain).orElseGet(() -> DomainRelayPolicy.defaultFor(domain));
    }

    /**
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public void set(DomainRelayPolicy policy) {
        store.setPolicy(policy);
    }
}
