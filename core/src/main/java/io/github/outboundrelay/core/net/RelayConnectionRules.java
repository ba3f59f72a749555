package io.github.outboundrelay.core.net;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.util.DurationParser;
import org.apache.james.utils.PropertiesProvider;

import io.github.outboundrelay.core.InvalidFieldException;

/**
 * How James connects to send-as relays, for the delivery and for the relay test alike: read once from
 * {@code outbound-relay.properties} (docs/CONFIGURATION.md), so that a relay is judged by exactly the rules that will
 * deliver its mail. A bad value stops James at start-up with an error naming the key.
 *
 * @param allowedPorts      {@code relay.allowedPorts}: the ports user settings may name
 * @param allowedHosts      {@code relay.allowedHosts}: relays allowed although they resolve to internal addresses
 * @param allowedNetworks   {@code relay.allowedNetworks}: internal networks relays may be in
 * @param trustStore        {@code relay.trustStore}: the admin's own CAs, beside the JVM's (loaded once; its password
 *                          is not kept)
 * @param connectionTimeout {@code relay.connectionTimeout}: the TCP connect, and the wait for a connection slot
 * @param commandTimeout    {@code relay.timeout}: every wait for a server reply
 * @param dataTimeout       {@code relay.dataTimeout}: each write to the relay (in practice the message content)
 * @param verificationMail  {@code relay.verificationMail}: where the code mail goes
 */
public record RelayConnectionRules(List<PortRange> allowedPorts, List<String> allowedHosts, List<String> allowedNetworks,
                                   Optional<KeyStore> trustStore, Duration connectionTimeout, Duration commandTimeout,
                                   Duration dataTimeout, VerificationMail verificationMail) {
    public static final String FILE_NAME = "outbound-relay";
    public static final String ALLOWED_PORTS = "relay.allowedPorts";
    public static final String ALLOWED_HOSTS = "relay.allowedHosts";
    public static final String ALLOWED_NETWORKS = "relay.allowedNetworks";
    public static final String TRUST_STORE = "relay.trustStore";
    public static final String TRUST_STORE_PASSWORD = "relay.trustStorePassword";
    public static final String TRUST_STORE_TYPE = "relay.trustStoreType";
    public static final String CONNECTION_TIMEOUT = "relay.connectionTimeout";
    public static final String COMMAND_TIMEOUT = "relay.timeout";
    public static final String DATA_TIMEOUT = "relay.dataTimeout";
    public static final String VERIFICATION_MAIL = "relay.verificationMail";

    /**
     * How the verification code reaches the send-as address: {@code mailbox} (default) by the normal path, through
     * James's mailet context (spool, transport, the gateway), from the postmaster, as Gmail mails the address itself,
     * so that only who reads that mailbox can confirm; {@code relay} through the address's own relay, from the
     * address (proves the relay account and, only when the relay delivers to it, the mailbox).
     */
    public enum VerificationMail { MAILBOX, RELAY }

    public RelayConnectionRules {
        allowedPorts = List.copyOf(allowedPorts);
        allowedHosts = List.copyOf(allowedHosts);
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    /** Every default: public relays on the usual ports, the JVM's CAs, codes mailed to the mailbox. */
    public static RelayConnectionRules defaults() {
        return from(new BaseConfiguration());
    }

    /** From {@code outbound-relay.properties}; every default without that file. */
    public static RelayConnectionRules read(PropertiesProvider properties) {
        try {
            return from(properties.getConfiguration(FILE_NAME));
        } catch (FileNotFoundException | PropertiesProvider.MissingConfigurationFile e) {
            return defaults();
        } catch (ConfigurationException e) {
            throw new IllegalStateException(FILE_NAME + ".properties cannot be read: " + e.getMessage(), e);
        }
    }

    public static RelayConnectionRules from(Configuration configuration) {
        Reader reader = new Reader(configuration);
        List<String> networks = reader.list(ALLOWED_NETWORKS);
        networks.forEach(network -> Cidr.parse(ALLOWED_NETWORKS, network));
        return new RelayConnectionRules(
            PortRange.parseList(ALLOWED_PORTS, reader.value(ALLOWED_PORTS).orElse("25,465,587,2525")),
            reader.list(ALLOWED_HOSTS),
            networks,
            reader.trustStore(),
            reader.duration(CONNECTION_TIMEOUT, "30 seconds"),
            reader.duration(COMMAND_TIMEOUT, "5 minutes"),
            reader.duration(DATA_TIMEOUT, "10 minutes"),
            reader.verificationMail());
    }

    /** The rules with other timeouts (tests: short ones). */
    public RelayConnectionRules withTimeouts(Duration connection, Duration command) {
        return new RelayConnectionRules(allowedPorts, allowedHosts, allowedNetworks, trustStore, connection, command,
            dataTimeout, verificationMail);
    }

    /** The rules with codes mailed the other way. */
    public RelayConnectionRules withVerificationMail(VerificationMail route) {
        return new RelayConnectionRules(allowedPorts, allowedHosts, allowedNetworks, trustStore, connectionTimeout,
            commandTimeout, dataTimeout, route);
    }

    private record Reader(Configuration configuration) {
        /** The whole value: James reads properties files splitting values at commas, which a list joins back. */
        Optional<String> value(String key) {
            return Optional.of(raw(key)).map(String::trim).filter(value -> !value.isEmpty());
        }

        String raw(String key) {
            return String.join(",", configuration.getStringArray(key));
        }

        List<String> list(String key) {
            return value(key).map(raw -> Arrays.stream(raw.split(",")).map(String::trim).filter(item -> !item.isEmpty())
                .toList()).orElse(List.of());
        }

        Duration duration(String key, String defaultValue) {
            String raw = value(key).orElse(defaultValue);
            Duration parsed;
            try {
                parsed = DurationParser.parse(raw);
            } catch (IllegalArgumentException e) {
                throw invalid(key, "must be a duration such as '30 seconds', not '" + raw + "'");
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw invalid(key, "must be positive, not '" + raw + "'");
            }
            return parsed;
        }

        VerificationMail verificationMail() {
            String raw = value(VERIFICATION_MAIL).orElse("mailbox");
            try {
                return VerificationMail.valueOf(raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(VERIFICATION_MAIL, "must be 'mailbox' or 'relay', not '" + raw + "'");
            }
        }

        /** Loaded here, once: the password opens the file and is not kept. */
        Optional<KeyStore> trustStore() {
            Optional<String> path = value(TRUST_STORE);
            if (path.isEmpty()) {
                return Optional.empty();
            }
            String type = value(TRUST_STORE_TYPE).orElse("PKCS12");
            char[] password = raw(TRUST_STORE_PASSWORD).toCharArray();
            try (InputStream in = new FileInputStream(path.get())) {
                KeyStore store = KeyStore.getInstance(type);
                store.load(in, password);
                return Optional.of(store);
            } catch (IOException | GeneralSecurityException e) {
                // The key store's own message, never the password.
                throw invalid(TRUST_STORE, "cannot load the " + type + " trust store '" + path.get() + "' (check '"
                    + TRUST_STORE_PASSWORD + "' and '" + TRUST_STORE_TYPE + "'): " + e.getMessage());
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        private static InvalidFieldException invalid(String key, String why) {
            return new InvalidFieldException(key, why + " (" + FILE_NAME + ".properties)");
        }
    }
}
