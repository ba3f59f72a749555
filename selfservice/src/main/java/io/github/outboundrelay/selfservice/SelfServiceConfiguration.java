package io.github.outboundrelay.selfservice;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.InvalidFieldException;

/**
 * {@code conf/outbound-relay-selfservice.properties}: where the users' HTTPS surface listens, its key store, how long
 * an idle session lasts, how long any session lasts and how many a user may have, how many failed sign-ins are
 * tolerated, the public URL users reach it at (the base of the OAuth callback the admin registers at each provider),
 * and the James users who may enter the admin area besides James's own administrator ({@code admins}, see
 * {@link Administrators}). Every key is validated when James starts, and a bad value names its key.
 */
record SelfServiceConfiguration(boolean enabled, String bindAddress, int port, String keyStore, String keyStorePassword,
                                Duration sessionIdle, int failuresPerAccount, int failuresPerAddress,
                                Duration failureWindow, Optional<URI> publicUrl, Duration sessionLifetime,
                                int sessionsPerUser, Set<Username> admins) {
    static final String FILE = "outbound-relay-selfservice";

    /** No admin besides James's administrator. */
    SelfServiceConfiguration(boolean enabled, String bindAddress, int port, String keyStore, String keyStorePassword,
                             Duration sessionIdle, int failuresPerAccount, int failuresPerAddress, Duration failureWindow,
                             Optional<URI> publicUrl, Duration sessionLifetime, int sessionsPerUser) {
        this(enabled, bindAddress, port, keyStore, keyStorePassword, sessionIdle, failuresPerAccount, failuresPerAddress,
            failureWindow, publicUrl, sessionLifetime, sessionsPerUser, Set.of());
    }

    static SelfServiceConfiguration disabled() {
        return new SelfServiceConfiguration(false, "127.0.0.1", 0, "", "", Duration.ofMinutes(30), 5, 20,
            Duration.ofMinutes(15), Optional.empty(), Duration.ofHours(12), 10);
    }

    static SelfServiceConfiguration from(Configuration conf) {
        boolean enabled = conf.getBoolean("enabled", false);
        if (!enabled) {
            return disabled();
        }
        String keyStore = required(conf, "https.keystore");
        String password = required(conf, "https.keystore.password");
        return new SelfServiceConfiguration(true, conf.getString("bind", "127.0.0.1"),
            bounded(conf, "port", 8443, 0, 65535), keyStore, password,
            Duration.ofMinutes(bounded(conf, "session.idle.minutes", 30, 1, 24 * 60)),
            bounded(conf, "signin.failures.per.account", 5, 1, 1000),
            bounded(conf, "signin.failures.per.address", 20, 1, 100_000),
            Duration.ofMinutes(bounded(conf, "signin.failures.window.minutes", 15, 1, 24 * 60)),
            publicUrl(conf.getString("public.url", "")),
            Duration.ofHours(bounded(conf, "session.lifetime.hours", 12, 1, 30 * 24)),
            bounded(conf, "session.max.per.user", 10, 1, 1000),
            admins(String.join(",", conf.getList(String.class, "admins", List.of()))));
    }

    /** {@code admins}: James user names separated by commas (or spaces), each with its domain; empty: none. */
    static Set<Username> admins(String text) {
        return Arrays.stream(text == null ? new String[0] : text.split("[,\\s]+"))
            .filter(name -> !name.isEmpty())
            .map(SelfServiceConfiguration::admin)
            .collect(Collectors.toUnmodifiableSet());
    }

    private static Username admin(String name) {
        try {
            Username user = Username.of(name.toLowerCase(Locale.ROOT));
            if (user.getDomainPart().isPresent()) {
                return user;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidFieldException("admins", "must list James users as user@domain, separated by commas (was '" + name + "')");
    }

    /** {@code https://host[:port]}, no path: the callback is {@code <public.url>/send-as/oauth/callback}. */
    static Optional<URI> publicUrl(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String trimmed = text.trim().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new InvalidFieldException("public.url", "must be https://host or https://host:port, with no path, "
                    + "as users reach the page (was '" + text.trim() + "')");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException("public.url", "is not a URL: '" + text.trim() + "'");
        }
    }

    private static String required(Configuration conf, String key) {
        String value = conf.getString(key, "");
        if (value.isBlank()) {
            throw new InvalidFieldException(key, "is required in " + FILE + ".properties when enabled=true");
        }
        return value.trim();
    }

    private static int bounded(Configuration conf, String key, int defaultValue, int min, int max) {
        int value;
        try {
            value = conf.getInt(key, defaultValue);
        } catch (RuntimeException e) {
            throw new InvalidFieldException(key, "must be a whole number in " + FILE + ".properties");
        }
        if (value < min || value > max) {
            throw new InvalidFieldException(key, "must be between " + min + " and " + max + " (was " + value + ")");
        }
        return value;
    }

    @Override
    public String toString() {
        return "SelfServiceConfiguration[" + bindAddress + ":" + port + ", keystore " + keyStore + ", admins " + admins + "]";
    }
}
