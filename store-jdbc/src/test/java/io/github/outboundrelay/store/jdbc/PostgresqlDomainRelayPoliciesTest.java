package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.DomainRelayPolicies;
import io.github.outboundrelay.core.DomainRelayPoliciesContract;

class PostgresqlDomainRelayPoliciesTest implements DomainRelayPoliciesContract {
    JdbcOutboundRelayStore store;

    @BeforeEach
    void setUp() {
        store = JdbcOutboundRelayStore.open(TestDatabases.freshPostgresDatabase());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Override
    public DomainRelayPolicies policies() {
        return store.domainRelayPolicies();
    }
}
