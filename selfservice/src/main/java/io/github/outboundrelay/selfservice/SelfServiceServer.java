package io.github.outboundrelay.selfservice;

import java.io.File;
import java.io.FileNotFoundException;
import java.time.Clock;

import javax.inject.Inject;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.settings.OAuthCodeConnections;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import spark.Service;

/**
 * The users' self-service HTTPS surface, started by James as a {@code guice.extension.startable}
 * (extensions.properties) in the extension's injector, so it shares the settings flow, the store and the relay connector
 * with WebAdmin and the mailets. Configured by {@code conf/outbound-relay-selfservice.properties}; without that file,
 * or with {@code enabled=false}, it does not listen at all.
 */
public class SelfServiceServer implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SelfServiceServer.class);

    private final SelfServiceConfiguration configuration;
    private final FileSystem fileSystem;
    private final SendAsSettings settings;
    private final RelayAttemptLog attempts;
    private final UsersRepository users;
    private final OAuthCodeConnections connections;
    private final OAuthProviders providers;
    private final AdminServices admin;
    private Service service;

    @Inject
    public SelfServiceServer(PropertiesProvider properties, FileSystem fileSystem, SendAsSettings settings,
                             RelayAttemptLog attempts, UsersRepository users, OAuthCodeConnections connections,
                             OAuthProviders providers, AdminServices admin) throws ConfigurationException {
        this(read(properties), fileSystem, settings, attempts, users, connections, providers, admin);
    }

    SelfServiceServer(SelfServiceConfiguration configuration, FileSystem fileSystem, SendAsSettings settings,
                      RelayAttemptLog attempts, UsersRepository users, OAuthCodeConnections connections,
                      OAuthProviders providers, AdminServices admin) {
        this.admin = admin;
        this.connections = connections;
        this.providers = providers;
        this.configuration = configuration;
        this.fileSystem = fileSystem;
        this.settings = settings;
        this.attempts = attempts;
        this.users = users;
    }

    private static SelfServiceConfiguration read(PropertiesProvider properties) throws ConfigurationException {
        try {
            return SelfServiceConfiguration.from(properties.getConfiguration(SelfServiceConfiguration.FILE));
        } catch (FileNotFoundException e) {
            LOGGER.info("outbound-relay self-service: no {}.properties, the users' page is off", SelfServiceConfiguration.FILE);
            return SelfServiceConfiguration.disabled();
        }
    }

    @Override
    public synchronized void start() {
        if (!configuration.enabled() || service != null) {
            return;
        }
        Clock clock = Clock.systemUTC();
        Sessions sessions = new Sessions(configuration, users, clock);
        SignIn signIn = new SignIn(users, configuration, clock);
        Pages templates = new Pages();
        service = Service.ignite()
            .ipAddress(configuration.bindAddress())
            .port(configuration.port())
            .secure(keyStore(), configuration.keyStorePassword(), null, null);
        // Spark's default answer to a port it cannot bind is System.exit: James must keep running (mail first).
        service.initExceptionHandler(e -> LOGGER.error("outbound-relay self-service: cannot listen on {}:{} (bind, port "
            + "in {}.properties): {}", configuration.bindAddress(), configuration.port(), SelfServiceConfiguration.FILE,
            e.toString()));
        // First: nothing may read a request before the guard has bounded its body.
        new RequestGuard(templates).define(service);
        new ApiRoutes(settings, sessions, signIn).define(service);
        Administrators administrators = new Administrators(users, configuration.admins());
        PageRoutes pages = new PageRoutes(settings, attempts, sessions, signIn, providers, templates, administrators, clock);
        pages.define(service);
        new OAuthConnectRoutes(connections, providers, pages, templates, configuration.publicUrl()).define(service);
        AdminArea area = new AdminArea(sessions, administrators, templates);
        area.define(service);
        new AdminPolicyRoutes(area, admin, templates).define(service);
        new AdminSendAsRoutes(area, admin, settings, attempts, templates, clock).define(service);
        new AdminAuditRoutes(area, admin, templates, clock).define(service);
        new AdminKeysRoutes(area, admin, templates).define(service);
        new AdminOAuthRoutes(area, admin, templates, configuration.publicUrl()).define(service);
        service.init();
        service.awaitInitialization();
        LOGGER.info("outbound-relay self-service: https://{}:{}/", configuration.bindAddress(), service.port());
        if (configuration.publicUrl().isEmpty()) {
            LOGGER.warn("outbound-relay self-service: 'public.url' is not set in {}.properties: users cannot connect accounts "
                + "with an OAuth provider (its redirect URI is <public.url>{})", SelfServiceConfiguration.FILE, OAuthConnectRoutes.CALLBACK);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "outbound-relay-selfservice-stop"));
    }

    /** The port it listens on (the configured one, or the one chosen for port 0). */
    public synchronized int port() {
        if (service == null) {
            throw new IllegalStateException("The self-service surface is not started");
        }
        return service.port();
    }

    public synchronized void stop() {
        if (service != null) {
            service.stop();
            service.awaitStop();
            service = null;
        }
    }

    private String keyStore() {
        try {
            File file = fileSystem.getFile(configuration.keyStore());
            if (!file.canRead()) {
                throw new IllegalArgumentException("'https.keystore' cannot be read: " + configuration.keyStore());
            }
            return file.getAbsolutePath();
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("'https.keystore' does not exist: " + configuration.keyStore(), e);
        }
    }
}
