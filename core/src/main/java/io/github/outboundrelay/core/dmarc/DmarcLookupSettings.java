package io.github.outboundrelay.core.dmarc;

import java.io.FileNotFoundException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.util.DurationParser;
import org.apache.james.utils.PropertiesProvider;

/**
 * How DMARC policies are looked up, from {@code outbound-relay.properties} ({@code dmarc.*}; every key optional):
 * <ul>
 *     <li>{@code dmarc.timeout}: how long saving an address waits for the answer before the policy is
 *     "unknown" (100ms..9s, below dnsjava's own 10 s resolver timeout, which James answers as "no record");
 *     default 2s;</li>
 *     <li>{@code dmarc.cacheSize}: how many domains' answers are kept (1..1000000); default 10000;</li>
 *     <li>{@code dmarc.maxAge}: how long an answer is kept (1s..1d; James's DNS service does not tell the record's TTL);
 *     default 1h;</li>
 *     <li>{@code dmarc.retryUnknownAfter}: how long an unknown policy stays unknown before it is asked again
 *     (1s..1d); default 1m.</li>
 * </ul>
 */
public record DmarcLookupSettings(Duration timeout, int cacheSize, Duration maxAge, Duration retryUnknownAfter) {
    public static final String FILE_NAME = "outbound-relay";
    public static final DmarcLookupSettings DEFAULTS = new DmarcLookupSettings(Duration.ofSeconds(2), 10_000,
        Duration.ofHours(1), Duration.ofMinutes(1));

    public static DmarcLookupSettings from(PropertiesProvider properties) throws ConfigurationException {
        try {
            return from(properties.getConfiguration(FILE_NAME));
        } catch (FileNotFoundException | PropertiesProvider.MissingConfigurationFile e) {
            return DEFAULTS;
        }
    }

    public static DmarcLookupSettings from(Configuration configuration) throws ConfigurationException {
        return new DmarcLookupSettings(
            duration(configuration, "dmarc.timeout", DEFAULTS.timeout, Duration.ofMillis(100), Duration.ofSeconds(9)),
            size(configuration, "dmarc.cacheSize"),
            duration(configuration, "dmarc.maxAge", DEFAULTS.maxAge, Duration.ofSeconds(1), Duration.ofDays(1)),
            duration(configuration, "dmarc.retryUnknownAfter", DEFAULTS.retryUnknownAfter, Duration.ofSeconds(1), Duration.ofDays(1)));
    }

    private static Duration duration(Configuration configuration, String key, Duration fallback, Duration min, Duration max)
        throws ConfigurationException {
        Optional<String> raw = raw(configuration, key);
        if (raw.isEmpty()) {
            return fallback;
        }
        Duration parsed;
        try {
            parsed = DurationParser.parse(raw.get(), ChronoUnit.SECONDS);
        } catch (RuntimeException e) {
            throw new ConfigurationException("'" + key + "' must be a duration such as '2s', not '" + raw.get() + "'");
        }
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new ConfigurationException("'" + key + "' must be between " + min + " and " + max + ", not '" + raw.get() + "'");
        }
        return parsed;
    }

    private static int size(Configuration configuration, String key) throws ConfigurationException {
        Optional<String> raw = raw(configuration, key);
        if (raw.isEmpty()) {
            return DEFAULTS.cacheSize;
        }
        try {
            int size = Integer.parseInt(raw.get());
            if (size >= 1 && size <= 1_000_000) {
                return size;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigurationException("'" + key + "' must be a number of domains from 1 to 1000000, not '" + raw.get() + "'");
    }

    private static Optional<String> raw(Configuration configuration, String key) {
        return Optional.ofNullable(configuration.getString(key, null)).map(String::trim).filter(value -> !value.isEmpty());
    }
}
