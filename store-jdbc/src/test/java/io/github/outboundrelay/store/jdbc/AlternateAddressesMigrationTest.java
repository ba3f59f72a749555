package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * V20 (issue 22): a store of schema 12 keeps its addresses, relays and verifications; every domain, configured or
 * not, allows alternate addresses; and an address without relay is then stored with every relay column NULL and read
 * back without one, after a restart too.
 */
class AlternateAddressesMigrationTest {
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");

    @TempDir
    Path folder;

    @Test
    void onH2() throws Exception {
        aStoreOfSchema12KeepsItsRelaysAndTakesAddressesWithoutRelay(TestDatabases.h2(folder));
    }

    @Test
    void onPostgresql() throws Exception {
        aStoreOfSchema12KeepsItsRelaysAndTakesAddressesWithoutRelay(TestDatabases.freshPostgresDatabase());
    }

    private void aStoreOfSchema12KeepsItsRelaysAndTakesAddressesWithoutRelay(JdbcStoreConfiguration configuration)
            throws Exception {
        TestDatabases.migrateTo(configuration, "12");
        execute(configuration,
            "INSERT INTO outbound_relay_send_as (address_key, address, owner_name, relay_host, relay_port, relay_security,"
                + " relay_username, password_key_id, password_sealed, changed_version) VALUES ('alice@partner.test',"
                + " 'alice@partner.test', 'alice@ourdomain.test', 'smtp.partner.test', 587, 'STARTTLS', 'alice', 'k1', 'c2VhbGVk', 1)",
            "INSERT INTO outbound_relay_send_as_verification (address_key, status, relay_identity, failed_attempts,"
                + " codes_sent_at, changed_version) VALUES ('alice@partner.test', 'VERIFIED', 'smtp.partner.test|587|STARTTLS|alice', 0, '', 1)",
            "INSERT INTO outbound_relay_domain_policy (domain_name, relay_allowed, insecure_relay_allowed, changed_version)"
                + " VALUES ('ourdomain.test', TRUE, FALSE, 1)");

        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(configuration)) {
            SendAsAddress alice = store.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test")).orElseThrow();
            assertThat(alice.requireRelayAccount().server().host()).isEqualTo("smtp.partner.test");
            assertThat(new SendAsVerifier(store.verifications()).isVerified(alice)).isTrue();
            assertThat(store.domainRelayPolicies().get(OURDOMAIN)).isEqualTo(new DomainRelayPolicy(OURDOMAIN, true, false, true));
            assertThat(store.domainRelayPolicies().get(Domain.of("other.test")).alternateAddressesAllowed()).isTrue();

            store.sendAsRegistry().register(SendAsAddress.withoutRelay(SendAsRegistryContract.address("alice@other.test"),
                Username.of("alice@ourdomain.test"), Optional.of("Alice")));
            store.domainRelayPolicies().set(new DomainRelayPolicy(OURDOMAIN, true, false, false));
        }

        assertThat(relayColumnsOf(configuration, "alice@other.test")).containsOnlyNulls();
        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(configuration)) {
            SendAsAddress withoutRelay = reopened.sendAsRegistry().find(SendAsRegistryContract.address("alice@other.test")).orElseThrow();
            assertThat(withoutRelay.relayAccount()).isEmpty();
            assertThat(withoutRelay.displayName()).contains("Alice");
            assertThat(reopened.domainRelayPolicies().get(OURDOMAIN).alternateAddressesAllowed()).isFalse();
            assertThat(reopened.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test")).orElseThrow().hasRelay())
                .isTrue();
        }
    }

    private static void execute(JdbcStoreConfiguration configuration, String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password()); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static Object[] relayColumnsOf(JdbcStoreConfiguration configuration, String key) throws Exception {
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password()); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT relay_host, relay_port, relay_security, relay_username,"
                 + " password_key_id, password_sealed, credential_kind, oauth_provider_id FROM outbound_relay_send_as"
                 + " WHERE address_key = '" + key + "'")) {
            assertThat(row.next()).isTrue();
            Object[] values = new Object[8];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.getObject(i + 1);
            }
            return values;
        }
    }
}
