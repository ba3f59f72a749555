package io.github.outboundrelay.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicy;

/** Domain policies ({@code outbound_relay_domain_policy}), keyed by the domain name; no row: the default policy. */
final class DomainPolicyTable extends EntityTable<DomainRelayPolicy> {
    static final String KIND = "policy";

    DomainPolicyTable() {
        super(KIND, "outbound_relay_domain_policy", "domain_name",
            "domain_name, relay_allowed, insecure_relay_allowed, alternate_addresses_allowed, dmarc_check");
    }

    static String keyOf(Domain domain) {
        return domain.asString();
    }

    @Override
    protected Optional<DomainRelayPolicy> fromRow(ResultSet rows) throws SQLException {
        return Optional.of(new DomainRelayPolicy(Domain.of(rows.getString("domain_name")), rows.getBoolean("relay_allowed"),
            rows.getBoolean("insecure_relay_allowed"), rows.getBoolean("alternate_addresses_allowed"),
            rows.getBoolean("dmarc_check")));
    }

    void save(Connection connection, DomainRelayPolicy policy, long version) throws SQLException {
        String domain = keyOf(policy.domain());
        int updated = Sql.update(connection, "UPDATE outbound_relay_domain_policy SET relay_allowed = ?, insecure_relay_allowed = ?,"
            + " alternate_addresses_allowed = ?, dmarc_check = ?, changed_version = ? WHERE domain_name = ?", policy.relayAllowed(),
            policy.insecureRelayAllowed(), policy.alternateAddressesAllowed(), policy.dmarcCheck(), version, domain);
        if (updated == 0) {
            Sql.update(connection, "INSERT INTO outbound_relay_domain_policy (domain_name, relay_allowed, insecure_relay_allowed,"
                + " alternate_addresses_allowed, dmarc_check, changed_version) VALUES (?, ?, ?, ?, ?, ?)", domain,
                policy.relayAllowed(), policy.insecureRelayAllowed(), policy.alternateAddressesAllowed(), policy.dmarcCheck(),
                version);
        }
    }
}
