package io.github.outboundrelay.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.DurationParser;

import io.github.outboundrelay.store.jdbc.OutboundRelayConfigurationException;

/**
 * Which ActiveMQ broker holds ./run's MailQueues, from {@code outbound-relay.properties}:
 * <ul>
 *     <li>{@code queue.broker.url}: absent or empty, the embedded broker under James's var directory (one node);
 *     otherwise one or more {@code tcp://host:port} (or {@code ssl://}, {@code nio://}) addresses, comma-separated, of a
 *     standalone broker that several nodes share;</li>
 *     <li>{@code queue.broker.username}, {@code queue.broker.password}: the broker's credentials, if it asks for any;</li>
 *     <li>{@code queue.broker.timeout} (default 5 s): how long an enqueue waits for an unreachable broker before it
 *     fails (SMTP then answers 451), and how long the health check waits.</li>
 * </ul>
 */
record QueueBrokerConfiguration(Optional<List<URI>> sharedBroker, Optional<String> username, Optional<String> password,
                                Duration timeout) {
    static final String URL = "queue.broker.url";
    static final String USERNAME = "queue.broker.username";
    static final String PASSWORD = "queue.broker.password";
    static final String TIMEOUT = "queue.broker.timeout";
    private static final List<String> SCHEMES = List.of("tcp", "ssl", "nio");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    static QueueBrokerConfiguration embedded() {
        return new QueueBrokerConfiguration(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT);
    }

    static QueueBrokerConfiguration from(Configuration properties) {
        Optional<String> url = value(properties, URL);
        Optional<String> username = value(properties, USERNAME);
        Optional<String> password = properties.containsKey(PASSWORD) ? Optional.of(joined(properties, PASSWORD)) : Optional.empty();
        if (url.isEmpty()) {
            if (username.isPresent() || password.isPresent()) {
                throw new OutboundRelayConfigurationException(username.isPresent() ? USERNAME : PASSWORD,
                    "is set but '" + URL + "' is not: the embedded broker takes no credentials");
            }
            return embedded();
        }
        if (username.isPresent() != password.isPresent()) {
            throw new OutboundRelayConfigurationException(username.isPresent() ? PASSWORD : USERNAME,
                "is missing: '" + USERNAME + "' and '" + PASSWORD + "' go together");
        }
        List<URI> addresses = Arrays.stream(url.get().split(",", -1)).map(String::trim).map(QueueBrokerConfiguration::address).toList();
        return new QueueBrokerConfiguration(Optional.of(addresses), username, password, timeout(properties));
    }

    private static URI address(String raw) {
        try {
            URI uri = new URI(raw);
            if (uri.getScheme() != null && SCHEMES.contains(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0
                && (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, like any other malformed address
        }
        // Credentials in the URL are refused, and not repeated here where they would reach the log.
        String shown = raw.contains("@") ? "an address with credentials" : "'" + raw + "'";
        throw new OutboundRelayConfigurationException(URL, "must be tcp://host:port (or ssl://, nio://), several"
            + " separated by commas, without options or credentials (see '" + USERNAME + "'), got " + shown);
    }

    private static Duration timeout(Configuration properties) {
        Optional<String> raw = value(properties, TIMEOUT);
        if (raw.isEmpty()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            Duration parsed = DurationParser.parse(raw.get(), ChronoUnit.MILLIS);
            if (parsed.compareTo(Duration.ofMillis(100)) >= 0 && parsed.compareTo(Duration.ofMinutes(5)) <= 0) {
                return parsed;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new OutboundRelayConfigurationException(TIMEOUT, "must be a duration from 100ms to 5 minutes such as '5s',"
            + " got '" + raw.get() + "'");
    }

    private static Optional<String> value(Configuration properties, String key) {
        return Optional.of(joined(properties, key)).map(String::trim).filter(value -> !value.isEmpty());
    }

    /** James's PropertiesProvider splits values at commas (several broker addresses, a password with a comma). */
    private static String joined(Configuration properties, String key) {
        return String.join(",", properties.getStringArray(key));
    }
}
