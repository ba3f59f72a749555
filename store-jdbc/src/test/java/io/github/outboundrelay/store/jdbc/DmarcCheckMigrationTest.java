package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.DomainRelayPolicy;

/**
 * V21 (issue 26): a domain policy stored at schema 20 keeps its switches and gets the DMARC check on (the default);
 * turned off, the check is kept after a restart.
 */
class DmarcCheckMigrationTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");

    @TempDir
    Path folder;

    @Test
    void onH2() throws Exception {
        aPolicyOfSchema20GetsTheCheckOnAndKeepsItOff(TestDatabases.h2(folder));
    }

    @Test
    void onPostgresql() throws Exception {
        aPolicyOfSchema20GetsTheCheckOnAndKeepsItOff(TestDatabases.freshPostgresDatabase());
    }

    private void aPolicyOfSchema20GetsTheCheckOnAndKeepsItOff(JdbcStoreConfiguration configuration) throws Exception {
        TestDatabases.migrateTo(configuration, "20");
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password()); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO outbound_relay_domain_policy (domain_name, relay_allowed, insecure_relay_allowed,"
                + " alternate_addresses_allowed, changed_version) VALUES ('ourdomain.test', TRUE, FALSE, FALSE, 1)");
        }

        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(configuration)) {
            assertThat(store.domainRelayPolicies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, true, false, false, true));
            store.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, true, false, false, false));
        }
        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(configuration)) {
            assertThat(reopened.domainRelayPolicies().get(OURDOMAIN).dmarcCheck()).isFalse();
        }
    }
}
