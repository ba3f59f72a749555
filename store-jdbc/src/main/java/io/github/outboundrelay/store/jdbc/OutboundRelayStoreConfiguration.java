package io.github.outboundrelay.store.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.DurationParser;

/**
 * What {@code outbound-relay.properties} says about the store (every key documented in
 * {@code james-conf/outbound-relay.properties}):
 * <ul>
 *     <li>{@code store}: {@code jdbc} (default) or {@code memory};</li>
 *     <li>{@code jdbc.url}: default an H2 file database under James's var directory
 *     ({@code var/outbound-relay/store}); {@code jdbc:postgresql://...} for several James nodes;</li>
 *     <li>{@code jdbc.username} (default {@code sa} for H2, none otherwise), {@code jdbc.password} (default empty);</li>
 *     <li>{@code jdbc.poolSize} (default 4), {@code jdbc.pollInterval} (default 200 ms),
 *     {@code jdbc.connectionTimeout} (default 5 s);</li>
 *     <li>{@code audit.retention}: how long the JDBC store keeps relay attempts (default 90 days, 1 day to 100
 *     years; a number without unit is days).</li>
 * </ul>
 * A missing file means every default: the embedded H2 store, so that what admins register survives a restart.
 */
public record OutboundRelayStoreConfiguration(StoreKind store, JdbcStoreConfiguration jdbc) {
    public static final String FILE_NAME = "outbound-relay";
    static final String STORE = "store";
    static final String URL = "jdbc.url";
    static final String USERNAME = "jdbc.username";
    static final String PASSWORD = "jdbc.password";
    static final String POOL_SIZE = "jdbc.poolSize";
    static final int MIN_POOL_SIZE = 2;
    static final String POLL_INTERVAL = "jdbc.pollInterval";
    static final String CONNECTION_TIMEOUT = "jdbc.connectionTimeout";
    static final String AUDIT_RETENTION = "audit.retention";

    static final int DEFAULT_POOL_SIZE = 4;
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    static final long DEFAULT_AUDIT_RETENTION_DAYS = 90;
    static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(DEFAULT_AUDIT_RETENTION_DAYS);
    static final Duration MIN_AUDIT_RETENTION = Duration.ofDays(1);
    static final Duration MAX_AUDIT_RETENTION = Duration.ofDays(36_500);
    /** The embedded database's files, under James's var directory. */
    static final String DEFAULT_H2_FILE = "outbound-relay/store";

    public enum StoreKind {
        MEMORY, JDBC
    }

    public static OutboundRelayStoreConfiguration defaults(String varDirectory) {
        return new OutboundRelayStoreConfiguration(StoreKind.JDBC, new JdbcStoreConfiguration(defaultH2Url(varDirectory),
            "sa", "", DEFAULT_POOL_SIZE, DEFAULT_POLL_INTERVAL, DEFAULT_CONNECTION_TIMEOUT));
    }

    public static OutboundRelayStoreConfiguration from(Configuration configuration, String varDirectory) {
        StoreKind store = parseStore(value(configuration, STORE).orElse("jdbc"));
        String url = value(configuration, URL).orElseGet(() -> defaultH2Url(varDirectory));
        if (!url.startsWith(JdbcStoreConfiguration.H2_PREFIX) && !url.startsWith(JdbcStoreConfiguration.POSTGRESQL_PREFIX)) {
            throw new OutboundRelayConfigurationException(URL, "must be a jdbc:h2: or jdbc:postgresql: URL (the drivers the"
                + " extension ships), got '" + url + "'");
        }
        String username = value(configuration, USERNAME)
            .orElse(url.startsWith(JdbcStoreConfiguration.H2_PREFIX) ? "sa" : null);
        // An empty password is a legitimate value (embedded H2): only an absent key takes the default.
        String password = Optional.ofNullable(configuration.getString(PASSWORD, null)).map(String::trim).orElse("");
        // At least 2: Flyway holds a second connection while it migrates, and a pool of 1 timed out at start.
        int poolSize = parseInt(configuration, POOL_SIZE, DEFAULT_POOL_SIZE, MIN_POOL_SIZE, 100);
        Duration pollInterval = parseDuration(configuration, POLL_INTERVAL, DEFAULT_POLL_INTERVAL,
            Duration.ofMillis(10), Duration.ofMinutes(1));
        Duration connectionTimeout = parseDuration(configuration, CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT,
            Duration.ofMillis(250), Duration.ofMinutes(5));
        Duration auditRetention = parseAuditRetention(configuration);
        return new OutboundRelayStoreConfiguration(store,
            new JdbcStoreConfiguration(url, username, password, poolSize, pollInterval, connectionTimeout, auditRetention));
    }

    static String defaultH2Url(String varDirectory) {
        Path file = Path.of(varDirectory).toAbsolutePath().normalize().resolve(DEFAULT_H2_FILE);
        return JdbcStoreConfiguration.H2_PREFIX + "file:" + file + JdbcStoreConfiguration.H2_DEFAULT_OPTIONS;
    }

    private static StoreKind parseStore(String value) {
        try {
            return StoreKind.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OutboundRelayConfigurationException(STORE, "must be 'jdbc' or 'memory', got '" + value + "'");
        }
    }

    private static Optional<String> value(Configuration configuration, String key) {
        return Optional.ofNullable(configuration.getString(key, null))
            .map(String::trim)
            .filter(value -> !value.isEmpty());
    }

    private static int parseInt(Configuration configuration, String key, int defaultValue, int min, int max) {
        Optional<String> raw = value(configuration, key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(raw.get());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new OutboundRelayConfigurationException(key, "must be an integer between " + min + " and " + max
                + ", got '" + raw.get() + "'");
        }
    }

    private static Duration parseAuditRetention(Configuration configuration) {
        Optional<String> raw = value(configuration, AUDIT_RETENTION);
        if (raw.isEmpty()) {
            return DEFAULT_AUDIT_RETENTION;
        }
        Duration parsed;
        try {
            parsed = DurationParser.parse(raw.get(), ChronoUnit.DAYS);
        } catch (RuntimeException e) {
            throw new OutboundRelayConfigurationException(AUDIT_RETENTION, "must be a duration such as '90d', '12w' or '1y'"
                + " (a number alone is days), got '" + raw.get() + "'");
        }
        if (parsed.compareTo(MIN_AUDIT_RETENTION) < 0 || parsed.compareTo(MAX_AUDIT_RETENTION) > 0) {
            throw new OutboundRelayConfigurationException(AUDIT_RETENTION, "must be between " + MIN_AUDIT_RETENTION.toDays()
                + " day and " + MAX_AUDIT_RETENTION.toDays() + " days, got '" + raw.get() + "'");
        }
        return parsed;
    }

    private static Duration parseDuration(Configuration configuration, String key, Duration defaultValue, Duration min,
                                          Duration max) {
        Optional<String> raw = value(configuration, key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration parsed;
        try {
            parsed = DurationParser.parse(raw.get(), ChronoUnit.MILLIS);
        } catch (RuntimeException e) {
            throw new OutboundRelayConfigurationException(key, "must be a duration such as '200ms' or '1s', got '" + raw.get() + "'");
        }
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new OutboundRelayConfigurationException(key, "must be between " + min.toMillis() + " ms and "
                + max.toMillis() + " ms, got '" + raw.get() + "'");
        }
        return parsed;
    }
}
