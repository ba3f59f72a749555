package io.github.outboundrelay.store.jdbc;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.github.outboundrelay.core.DomainRelayPolicies;
import io.github.outboundrelay.core.DomainRelayPoliciesContract;

class H2DomainRelayPoliciesTest implements DomainRelayPoliciesContract {
    @TempDir
    Path folder;
    JdbcOutboundRelayStore store;

    @BeforeEach
    void setUp() {
        store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder));
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
