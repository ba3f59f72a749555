package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.DomainRelayPoliciesContract;

class PostgresqlDomainRelayPoliciesTest implements DomainRelayPoliciesContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public DomainRelayPolicies policies() {
        return stores.store().domainRelayPolicies();
    }
}
