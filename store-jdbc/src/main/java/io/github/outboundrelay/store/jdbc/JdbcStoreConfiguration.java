package io.github.outboundrelay.store.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the database of the JDBC store, and how long its audit trail of relay attempts is kept
 * ({@code auditRetention}). {@link #toString()} never shows the password, nor URL parameters (where a password may
 * also be given).
 */
public record JdbcStoreConfiguration(String url, String username, String password, int poolSize, Duration pollInterval,
                                     Duration connectionTimeout, Duration auditRetention) {
    public static final String H2_PREFIX = "jdbc:h2:";
    public static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";
    /**
     * Options of the default embedded database: commits reach the disk before the write returns (survives
     * {@code kill -9}), and a writer waits for another instead of failing at once.
     */
    static final String H2_DEFAULT_OPTIONS = ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";

    public JdbcStoreConfiguration {
        Objects.requireNonNull(url, "url");
        password = password == null ? "" : password;
        Objects.requireNonNull(auditRetention, "auditRetention");
    }

    /** With the default audit retention ({@value OutboundRelayStoreConfiguration#DEFAULT_AUDIT_RETENTION_DAYS} days). */
    public JdbcStoreConfiguration(String url, String username, String password, int poolSize, Duration pollInterval,
                                  Duration connectionTimeout) {
        this(url, username, password, poolSize, pollInterval, connectionTimeout, OutboundRelayStoreConfiguration.DEFAULT_AUDIT_RETENTION);
    }

    public static JdbcStoreConfiguration h2(String url) {
        return new JdbcStoreConfiguration(url, "sa", "", OutboundRelayStoreConfiguration.DEFAULT_POOL_SIZE,
            OutboundRelayStoreConfiguration.DEFAULT_POLL_INTERVAL, OutboundRelayStoreConfiguration.DEFAULT_CONNECTION_TIMEOUT);
    }

    public JdbcStoreConfiguration withPollInterval(Duration interval) {
        return new JdbcStoreConfiguration(url, username, password, poolSize, interval, connectionTimeout, auditRetention);
    }

    public JdbcStoreConfiguration withConnectionTimeout(Duration timeout) {
        return new JdbcStoreConfiguration(url, username, password, poolSize, pollInterval, timeout, auditRetention);
    }

    public JdbcStoreConfiguration withAuditRetention(Duration retention) {
        return new JdbcStoreConfiguration(url, username, password, poolSize, pollInterval, connectionTimeout, retention);
    }

    public boolean isPostgresql() {
        return url.startsWith(POSTGRESQL_PREFIX);
    }

    /** The folder of an embedded H2 database kept in files ({@code jdbc:h2:file:/path/store...}); none otherwise. */
    public Optional<Path> h2FileDirectory() {
        String filePrefix = H2_PREFIX + "file:";
        if (!url.startsWith(filePrefix)) {
            return Optional.empty();
        }
        Path file = Path.of(safeUrl().substring(filePrefix.length()));
        return Optional.ofNullable(file.toAbsolutePath().getParent());
    }

    /** The URL without its parameters, fit for logs. */
    public String safeUrl() {
        int cut = url.length();
        for (char separator : new char[] {'?', ';'}) {
            int index = url.indexOf(separator);
            if (index >= 0) {
                cut = Math.min(cut, index);
            }
        }
        return url.substring(0, cut);
    }

    @Override
    public String toString() {
        return "JdbcStoreConfiguration[url=" + safeUrl() + ", username=" + username + ", password=****, poolSize=" + poolSize
            + ", pollInterval=" + pollInterval.toMillis() + "ms, connectionTimeout=" + connectionTimeout.toMillis() + "ms, auditRetention=" + auditRetention.toDays() + "d]";
    }
}
