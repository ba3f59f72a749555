package io.github.outboundrelay.store.jdbc;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * The domain policies of a {@link JdbcOutboundRelayStore}: reads from its in-memory view (default policy for a domain
 * without one), writes through to the database.
 */
public final class JdbcDomainRelayPolicies implements DomainRelayPolicies {
    private final JdbcStoreEngine engine;
    private final DomainPolicyTable policies;

    JdbcDomainRelayPolicies(JdbcStoreEngine engine, DomainPolicyTable policies) {
        this.engine = engine;
        this.policies = policies;
    }

    @Override
    public DomainRelayPolicy get(Domain domain) {
        return policies.find(DomainPolicyTable.keyOf(domain)).orElseGet(() -> DomainRelayPolicy.defaultFor(domain));
    }

    /**
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public void set(DomainRelayPolicy policy) {
        String key = DomainPolicyTable.keyOf(policy.domain());
        engine.write("set a domain policy", transaction -> {
            policies.save(transaction.connection(), policy, transaction.recordChange(policies, key));
            return null;
        }, () -> policies.show(key, policy));
    }
}
