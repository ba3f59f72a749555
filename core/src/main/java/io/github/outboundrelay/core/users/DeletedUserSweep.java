package io.github.outboundrelay.core.users;

import java.io.FileNotFoundException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.util.DurationParser;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.SendAsOAuthGrant;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.Verifications;

/**
 * Removes the send-as addresses (and their verification states) of users that no longer exist in James's
 * UsersRepository, so that a re-created username never inherits a verified relay. Stock James 3.8.1 offers an extension
 * loaded through {@code extensions.properties} no hook on user deletion (its deletion and rename steps are multibinders
 * of the main injector), hence a sweep every {@code deletedUserSweep.interval} (outbound-relay.properties, 1 hour by
 * default); meanwhile the delivery mailet bounces mail of an owner that no longer exists. Works on either store (memory
 * or JDBC): it only uses the bound {@link SendAsRegistry} and {@link Verifications}. Each round also drops this node's
 * cached OAuth tokens of every grant no longer held (its address removed, here or by another node, or connected again),
 * so none outlives its user, address or connection in memory.
 * Enabled with {@code guice.extension.startable=io.github.outboundrelay.core.users.DeletedUserSweep}.
 */
public class DeletedUserSweep implements UserDefinedStartable {
    public static final String INTERVAL_KEY = "deletedUserSweep.interval";
    static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final String FILE_NAME = "outbound-relay";
    private static final Logger LOGGER = LoggerFactory.getLogger(DeletedUserSweep.class);

    private final SendAsRegistry registry;
    private final Verifications verifications;
    private final UsersRepository users;
    private final SettingsEvents events;
    private final AccessTokenCache tokens;
    private final Duration interval;

    @Inject
    public DeletedUserSweep(SendAsRegistry registry, Verifications verifications, UsersRepository users, SettingsEvents events,
                            AccessTokenCache tokens, PropertiesProvider properties) throws ConfigurationException {
        this(registry, verifications, users, events, tokens, interval(properties));
    }

    public DeletedUserSweep(SendAsRegistry registry, Verifications verifications, UsersRepository users, SettingsEvents events,
                            AccessTokenCache tokens, Duration interval) {
        this.registry = registry;
        this.verifications = verifications;
        this.users = users;
        this.events = events;
        this.tokens = tokens;
        this.interval = interval;
    }

    static Duration interval(PropertiesProvider properties) throws ConfigurationException {
        Optional<String> raw;
        try {
            raw = Optional.ofNullable(properties.getConfiguration(FILE_NAME).getString(INTERVAL_KEY, null))
                .map(String::trim).filter(value -> !value.isEmpty());
        } catch (FileNotFoundException | PropertiesProvider.MissingConfigurationFile e) {
            raw = Optional.empty();
        }
        if (raw.isEmpty()) {
            return DEFAULT_INTERVAL;
        }
        Duration parsed;
        try {
            parsed = DurationParser.parse(raw.get(), ChronoUnit.SECONDS);
        } catch (RuntimeException e) {
            throw new ConfigurationException("'" + INTERVAL_KEY + "' must be a duration such as '1 hour', not '" + raw.get() + "'");
        }
        if (parsed.compareTo(MIN_INTERVAL) < 0) {
            throw new ConfigurationException("'" + INTERVAL_KEY + "' must be at least 1 second, not '" + raw.get() + "'");
        }
        return parsed;
    }

    @Override
    public void start() {
        // A daemon thread: James has no stop hook for extension startables; it ends with the JVM.
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-deleted-user-sweep");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOGGER.info("outbound-relay: send-as addresses of deleted James users are removed every {}", interval);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (Exception e) {
            // The next round tries again; meanwhile the delivery mailet bounces the mail of owners that are gone.
            LOGGER.warn("outbound-relay: deleted users' send-as addresses not swept ({}), retrying in {}",
                e.getClass().getSimpleName(), interval);
        }
    }

    /**
     * @return how many send-as addresses were removed
     */
    public int sweep() throws UsersRepositoryException {
        Map<Username, Boolean> exists = new HashMap<>();
        int removed = 0;
        for (SendAsAddress sendAs : registry.all()) {
            Boolean ownerExists = exists.get(sendAs.owner());
            if (ownerExists == null) {
                ownerExists = users.contains(sendAs.owner());
                exists.put(sendAs.owner(), ownerExists);
            }
            if (!ownerExists && registry.remove(sendAs.owner(), sendAs.address())) {
                verifications.remove(sendAs.key());
                events.ownerDeleted(sendAs.owner(), sendAs.address());
                removed++;
            }
        }
        tokens.forgetGrants(grant -> !SendAsOAuthGrant.isHeld(registry, grant));
        if (removed > 0) {
            LOGGER.info("outbound-relay: removed {} send-as address(es) of users deleted from James", removed);
        }
        return removed;
    }
}
