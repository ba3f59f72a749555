package io.github.outboundrelay.mailets;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.util.DurationParser;
import org.apache.mailet.MailetConfig;

/**
 * The parameters of {@link OutboundRelayDelivery}, read and validated once in {@code init()}: every error names
 * the parameter at fault.
 */
public record RelayDeliveryConfiguration(String queueName,
                                         int deliveryThreads,
                                         Duration initialRetryDelay,
                                         Duration maxRetryDelay,
                                         Duration maxQueueLifetime,
                                         String bounceProcessor,
                                         AuthFailureHandling authFailure,
                                         Duration connectionTimeout,
                                         Duration commandTimeout,
                                         Optional<KeyStore> extraTrustStore) {

    /** What a 535 (AUTH rejected) does to the mail: retried like any deferral, or bounced at once. */
    public enum AuthFailureHandling { DEFER, BOUNCE }

    static final String QUEUE = "outgoingQueue";
    static final String THREADS = "deliveryThreads";
    static final String RETRY_DELAY = "retryDelay";
    static final String MAX_RETRY_DELAY = "maxRetryDelay";
    static final String LIFETIME = "maxQueueLifetime";
    static final String BOUNCE_PROCESSOR = "bounceProcessor";
    static final String AUTH_FAILURE = "authFailure";
    static final String CONNECTION_TIMEOUT = "connectionTimeout";
    static final String COMMAND_TIMEOUT = "timeout";
    static final String TRUST_STORE = "trustStore";
    static final String TRUST_STORE_PASSWORD = "trustStorePassword";
    static final String TRUST_STORE_TYPE = "trustStoreType";

    public static RelayDeliveryConfiguration from(MailetConfig config) throws MessagingException {
        Parameters parameters = new Parameters(config);
        Duration initialRetryDelay = parameters.duration(RETRY_DELAY, "5 minutes");
        Duration maxRetryDelay = parameters.duration(MAX_RETRY_DELAY, "1 hour");
        if (maxRetryDelay.compareTo(initialRetryDelay) < 0) {
            throw new MessagingException("Invalid '" + MAX_RETRY_DELAY + "': must not be shorter than '" + RETRY_DELAY + "'");
        }
        return new RelayDeliveryConfiguration(
            parameters.nonBlank(QUEUE, "outbound-relay"),
            parameters.positiveInt(THREADS, 4),
            initialRetryDelay,
            maxRetryDelay,
            parameters.duration(LIFETIME, "5 days"),
            parameters.nonBlank(BOUNCE_PROCESSOR, "bounces"),
            parameters.authFailure(),
            parameters.duration(CONNECTION_TIMEOUT, "30 seconds"),
            parameters.duration(COMMAND_TIMEOUT, "5 minutes"),
            parameters.trustStore());
    }

    /** The wait before the attempt that follows {@code failedAttempts} failures: doubling, capped. */
    public Duration retryDelayAfter(int failedAttempts) {
        Duration delay = initialRetryDelay;
        for (int i = 1; i < failedAttempts && delay.compareTo(maxRetryDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }

    private record Parameters(MailetConfig config) {
        String nonBlank(String name, String defaultValue) throws MessagingException {
            String value = Optional.ofNullable(config.getInitParameter(name)).orElse(defaultValue).trim();
            if (value.isEmpty()) {
                throw new MessagingException("Invalid '" + name + "': must not be empty");
            }
            return value;
        }

        int positiveInt(String name, int defaultValue) throws MessagingException {
            String raw = config.getInitParameter(name);
            if (raw == null) {
                return defaultValue;
            }
            try {
                int value = Integer.parseInt(raw.trim());
                if (value < 1) {
                    throw new MessagingException("Invalid '" + name + "': must be at least 1, got " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new MessagingException("Invalid '" + name + "': not a whole number: '" + raw + "'");
            }
        }

        Duration duration(String name, String defaultValue) throws MessagingException {
            String raw = Optional.ofNullable(config.getInitParameter(name)).orElse(defaultValue);
            try {
                Duration value = DurationParser.parse(raw.trim());
                if (value.isNegative() || value.isZero()) {
                    throw new MessagingException("Invalid '" + name + "': must be positive, got '" + raw + "'");
                }
                return value;
            } catch (IllegalArgumentException e) {
                throw new MessagingException("Invalid '" + name + "': not a duration such as '5 minutes': '" + raw + "'");
            }
        }

        AuthFailureHandling authFailure() throws MessagingException {
            String raw = nonBlank(AUTH_FAILURE, "defer");
            try {
                return AuthFailureHandling.valueOf(raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MessagingException("Invalid '" + AUTH_FAILURE + "': must be 'defer' or 'bounce', got '" + raw + "'");
            }
        }

        Optional<KeyStore> trustStore() throws MessagingException {
            String path = config.getInitParameter(TRUST_STORE);
            if (path == null || path.isBlank()) {
                return Optional.empty();
            }
            String password = Optional.ofNullable(config.getInitParameter(TRUST_STORE_PASSWORD)).orElse("");
            String type = nonBlank(TRUST_STORE_TYPE, "PKCS12");
            try (InputStream in = new FileInputStream(path.trim())) {
                KeyStore store = KeyStore.getInstance(type);
                store.load(in, password.toCharArray());
                return Optional.of(store);
            } catch (IOException | GeneralSecurityException e) {
                throw new MessagingException("Invalid '" + TRUST_STORE + "': cannot load " + type + " trust store '"
                    + path + "' (check '" + TRUST_STORE_PASSWORD + "' and '" + TRUST_STORE_TYPE + "'): " + e.getMessage());
            }
        }
    }
}
