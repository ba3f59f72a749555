package io.github.outboundrelay.mailets;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.MailetConfig;

import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.mailets.smtp.RelayPoolSettings;

/**
 * The parameters of {@link OutboundRelayDelivery}, read and validated once in {@code init()}: every error names
 * the parameter at fault.
 *
 * <p>How James connects to relays (allowed targets, trust store, the connect, reply and write timeouts, where the
 * code mail goes) is not set here but in {@code outbound-relay.properties} ({@link RelayConnectionRules}), shared with
 * the relay test; such a parameter still set on the mailet stops start-up, naming its key there.
 * {@code attemptTimeout} bounds a whole delivery attempt (slot, connect, TLS, AUTH, the transaction), so that a relay
 * answering one byte at a time cannot hold a delivery thread for ever.</p>
 *
 * <p>{@code ourServersProcessor} ({@code transport} by default) takes back a queued mail whose address's relay is no
 * longer allowed (relays or relays without TLS switched off since it was queued): the rule sends it through our
 * servers there, on behalf of its owner.</p>
 *
 * <p>{@code maxConnectionsPerRelay} must stay below {@code deliveryThreads}: one slow relay then never holds every
 * delivery thread, and mail for the other relays keeps moving.</p>
 */
public record RelayDeliveryConfiguration(String queueName,
                                         int deliveryThreads,
                                         Duration initialRetryDelay,
                                         Duration maxRetryDelay,
                                         Duration maxQueueLifetime,
                                         Duration earlyMailHold,
                                         String bounceProcessor,
                                         AuthFailureHandling authFailure,
                                         Duration attemptTimeout,
                                         RelayPoolSettings pool,
                                         Optional<Duration> delayWarningAfter,
                                         String delayWarningProcessor,
                                         OnFailure onFailure,
                                         String gatewayProcessor,
                                         String ourServersProcessor,
                                         Optional<Integer> userRateLimit,
                                         Duration userRateWindow,
                                         Optional<Duration> attemptAtOnce) {

    /** What a 535 (AUTH rejected) does to the mail: retried like any deferral, or given up at once. */
    public enum AuthFailureHandling { DEFER, BOUNCE }

    /**
     * What happens to mail given up for a relay-side reason (lifetime over, credentials refused with
     * {@code authFailure=bounce}, relay without TLS the domain does not allow): a DSN to the sender, or the normal
     * path through {@code gatewayProcessor}. A recipient refused with 5xx is always bounced.
     */
    public enum OnFailure { BOUNCE, GATEWAY }

    static final String QUEUE = "outgoingQueue";
    static final String THREADS = "deliveryThreads";
    static final String RETRY_DELAY = "retryDelay";
    static final String MAX_RETRY_DELAY = "maxRetryDelay";
    static final String LIFETIME = "maxQueueLifetime";
    static final String EARLY_MAIL_HOLD = "earlyMailHold";
    /** RabbitMQ closes a channel holding a delivery unacknowledged for 30 minutes (consumer_timeout): stay far below. */
    private static final Duration EARLY_MAIL_HOLD_MAX = Duration.ofMinutes(1);
    static final String BOUNCE_PROCESSOR = "bounceProcessor";
    static final String AUTH_FAILURE = "authFailure";
    static final String ATTEMPT_TIMEOUT = "attemptTimeout";
    static final String POOL_IDLE_TIMEOUT = "poolIdleTimeout";
    static final String POOL_MAX_MESSAGES = "poolMaxMessagesPerSession";
    static final String POOL_MAX_IDLE = "poolMaxIdleSessionsPerCredential";
    static final String POOL_MAX_IDLE_PER_RELAY = "poolMaxIdleSessionsPerRelay";
    static final String MAX_CONNECTIONS_PER_RELAY = "maxConnectionsPerRelay";
    static final String MAX_OPEN_CONNECTIONS_PER_RELAY = "maxOpenConnectionsPerRelay";
    static final String DELAY_WARNING_AFTER = "delayWarningAfter";
    static final String DELAY_WARNING_PROCESSOR = "delayWarningProcessor";
    static final String ON_FAILURE = "onFailure";
    static final String GATEWAY_PROCESSOR = "gatewayProcessor";
    static final String OUR_SERVERS_PROCESSOR = "ourServersProcessor";
    static final String USER_RATE_LIMIT = "maxRelayedPerUser";
    static final String USER_RATE_WINDOW = "maxRelayedPerUserWindow";
    /** Former parameters of this mailet, now connection rules: the key of outbound-relay.properties for each. */
    static final Map<String, String> MOVED_TO_PROPERTIES = Map.ofEntries(
        Map.entry("connectionTimeout", RelayConnectionRules.CONNECTION_TIMEOUT),
        Map.entry("timeout", RelayConnectionRules.COMMAND_TIMEOUT),
        Map.entry("dataTimeout", RelayConnectionRules.DATA_TIMEOUT),
        Map.entry("trustStore", RelayConnectionRules.TRUST_STORE),
        Map.entry("trustStorePassword", RelayConnectionRules.TRUST_STORE_PASSWORD),
        Map.entry("trustStoreType", RelayConnectionRules.TRUST_STORE_TYPE),
        Map.entry("allowedRelayPorts", RelayConnectionRules.ALLOWED_PORTS),
        Map.entry("allowedRelayHosts", RelayConnectionRules.ALLOWED_HOSTS),
        Map.entry("allowedRelayNetworks", RelayConnectionRules.ALLOWED_NETWORKS),
        Map.entry("verificationMail", RelayConnectionRules.VERIFICATION_MAIL));
    static final String ATTEMPT_AT_ONCE = "attemptAtOnce";

    /** With the default connection rules (tests). */
    public static RelayDeliveryConfiguration from(MailetConfig config) throws MessagingException {
        return from(config, RelayConnectionRules.defaults());
    }

    /** @param rules the connection rules, against which {@code attemptTimeout} is checked */
    public static RelayDeliveryConfiguration from(MailetConfig config, RelayConnectionRules rules) throws MessagingException {
        refuseMovedParameters(config);
        MailetParameters parameters = new MailetParameters(config);
        Duration initialRetryDelay = parameters.duration(RETRY_DELAY, "5 minutes");
        Duration maxRetryDelay = parameters.duration(MAX_RETRY_DELAY, "1 hour");
        if (maxRetryDelay.compareTo(initialRetryDelay) < 0) {
            throw MailetParameters.invalid(MAX_RETRY_DELAY, "must not be shorter than '" + RETRY_DELAY + "'");
        }
        Duration lifetime = parameters.duration(LIFETIME, "5 days");
        Optional<Duration> delayWarningAfter = parameters.optionalDuration(DELAY_WARNING_AFTER);
        if (delayWarningAfter.isPresent() && delayWarningAfter.get().compareTo(lifetime) >= 0) {
            throw MailetParameters.invalid(DELAY_WARNING_AFTER, "must be shorter than '" + LIFETIME
                + "', or the warning could never be sent");
        }
        Duration earlyMailHold = parameters.duration(EARLY_MAIL_HOLD, "1 second");
        if (earlyMailHold.compareTo(EARLY_MAIL_HOLD_MAX) > 0) {
            throw MailetParameters.invalid(EARLY_MAIL_HOLD, "must be at most 1 minute (the queue's mail is held "
                + "unacknowledged meanwhile)");
        }
        int deliveryThreads = parameters.positiveInt(THREADS, 20);
        int maxConnectionsPerRelay = parameters.positiveInt(MAX_CONNECTIONS_PER_RELAY, 10);
        if (maxConnectionsPerRelay >= deliveryThreads) {
            throw MailetParameters.invalid(MAX_CONNECTIONS_PER_RELAY, "must be below '" + THREADS + "' (" + deliveryThreads
                + "), or one slow relay can hold every delivery thread");
        }
        Duration attemptTimeout = parameters.duration(ATTEMPT_TIMEOUT, "15 minutes");
        if (attemptTimeout.compareTo(rules.commandTimeout()) <= 0 || attemptTimeout.compareTo(rules.connectionTimeout()) <= 0) {
            throw MailetParameters.invalid(ATTEMPT_TIMEOUT, "must be longer than '" + RelayConnectionRules.COMMAND_TIMEOUT
                + "' and '" + RelayConnectionRules.CONNECTION_TIMEOUT + "' of outbound-relay.properties ("
                + rules.commandTimeout() + ", " + rules.connectionTimeout() + "), or every slow reply would end the attempt");
        }
        return new RelayDeliveryConfiguration(
            parameters.nonBlank(QUEUE, "outbound-relay"),
            deliveryThreads,
            initialRetryDelay,
            maxRetryDelay,
            lifetime,
            earlyMailHold,
            parameters.nonBlank(BOUNCE_PROCESSOR, "bounces"),
            parameters.choice(AUTH_FAILURE, AuthFailureHandling.class, AuthFailureHandling.DEFER),
            attemptTimeout,
            new RelayPoolSettings(
                parameters.duration(POOL_IDLE_TIMEOUT, "30 seconds"),
                parameters.positiveInt(POOL_MAX_MESSAGES, 100),
                // One account has at most maxConnectionsPerRelay sessions in flight: as many may wait idle after a
                // burst (maxOpenConnectionsPerRelay bounds the whole, a second session of an account goes first).
                parameters.positiveInt(POOL_MAX_IDLE, maxConnectionsPerRelay),
                maxOpenConnectionsPerRelay(parameters, maxConnectionsPerRelay),
                maxConnectionsPerRelay),
            delayWarningAfter,
            parameters.nonBlank(DELAY_WARNING_PROCESSOR, "relay-delayed"),
            parameters.choice(ON_FAILURE, OnFailure.class, OnFailure.BOUNCE),
            parameters.nonBlank(GATEWAY_PROCESSOR, "relay"),
            parameters.nonBlank(OUR_SERVERS_PROCESSOR, "transport"),
            parameters.optionalPositiveInt(USER_RATE_LIMIT, 500),
            parameters.duration(USER_RATE_WINDOW, "1 hour"),
            attemptAtOnce(parameters, attemptTimeout));
    }

    /** A connection rule left in mailetcontainer.xml stops start-up: it would be ignored, silently. */
    private static void refuseMovedParameters(MailetConfig config) throws MessagingException {
        for (Map.Entry<String, String> moved : MOVED_TO_PROPERTIES.entrySet()) {
            if (config.getInitParameter(moved.getKey()) != null) {
                throw new MessagingException("'" + moved.getKey() + "' is no longer a parameter of OutboundRelayDelivery:"
                    + " set '" + moved.getValue() + "' in outbound-relay.properties instead (the relay test uses the same"
                    + " connection rules), and remove it from mailetcontainer.xml");
            }
        }
    }

    /**
     * How long the mailet's first attempt at once may take ({@code attemptAtOnce}, 30 s by default, or
     * {@code attemptTimeout} if shorter; {@code off}: every
     * mail goes through the queue first). The spool thread waits for it, so it is short, and never longer than
     * {@code attemptTimeout}.
     */
    private static Optional<Duration> attemptAtOnce(MailetParameters parameters, Duration attemptTimeout) throws MessagingException {
        Duration shortBound = Duration.ofSeconds(30);
        Duration defaultLimit = attemptTimeout.compareTo(shortBound) < 0 ? attemptTimeout : shortBound;
        Optional<Duration> limit = parameters.durationUnlessOff(ATTEMPT_AT_ONCE, defaultLimit.toSeconds() + " seconds");
        if (limit.isPresent() && limit.get().compareTo(attemptTimeout) > 0) {
            throw MailetParameters.invalid(ATTEMPT_AT_ONCE, "must not be longer than '" + ATTEMPT_TIMEOUT + "'");
        }
        return limit;
    }

    /**
     * {@code maxOpenConnectionsPerRelay} (100 by default: one session for each of 100 accounts sending through one
     * partner), or, from a configuration written before it, {@code maxConnectionsPerRelay} plus the old fixed
     * {@code poolMaxIdleSessionsPerRelay}: the same bound on connections open at once as before.
     */
    private static int maxOpenConnectionsPerRelay(MailetParameters parameters, int maxConnectionsPerRelay)
            throws MessagingException {
        int absent = 0; // a set value is at least 1
        int legacyIdle = parameters.positiveInt(POOL_MAX_IDLE_PER_RELAY, absent);
        int explicit = parameters.positiveInt(MAX_OPEN_CONNECTIONS_PER_RELAY, absent);
        if (legacyIdle != absent && explicit != absent) {
            throw MailetParameters.invalid(POOL_MAX_IDLE_PER_RELAY, "is replaced by '" + MAX_OPEN_CONNECTIONS_PER_RELAY
                + "': set only that one");
        }
        int open = explicit != absent ? explicit : legacyIdle != absent ? maxConnectionsPerRelay + legacyIdle : 100;
        if (open < maxConnectionsPerRelay) {
            throw MailetParameters.invalid(MAX_OPEN_CONNECTIONS_PER_RELAY, "must be at least '" + MAX_CONNECTIONS_PER_RELAY
                + "' (" + maxConnectionsPerRelay + ")");
        }
        return open;
    }
}
