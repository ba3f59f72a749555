package io.github.outboundrelay.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.utils.PropertiesProvider;

import io.github.outboundrelay.core.dmarc.DmarcLookupSettings;
import io.github.outboundrelay.core.dmarc.DmarcPolicies;
import io.github.outboundrelay.core.dmarc.DnsDmarcPolicies;
import io.github.outboundrelay.core.settings.DmarcCheck;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.OAuthCodeConnections;
import io.github.outboundrelay.core.settings.OAuthDeviceConnections;
import io.github.outboundrelay.core.settings.OAuthProviderSettings;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.InMemoryOAuthProviders;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProviders;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.verification.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.core.verification.Verifications;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * The extension's Guice module, named in {@code extensions.properties} as {@code guice.extension.module}. James
 * builds one child injector from the extension modules for every matcher, mailet, SMTP hook and WebAdmin route it
 * loads, so the singletons bound here are shared by all of them: a change made through the admin API is seen by the
 * very next mail.
 */
public class OutboundRelayModule extends AbstractModule {
    static final String KEY_FILE = "outbound-relay/relay-secrets.key";
    /** Token endpoint requests: connect and answer within this, or the delivery waits and retries (TEMPORARY). */
    static final Duration OAUTH_TIMEOUT = Duration.ofSeconds(20);

    @Override
    protected void configure() {
        configureStores();
        bind(OutboundRelayRule.class).in(Singleton.class);
        bind(SendAsVerifier.class).in(Singleton.class);
        bind(SendAsSettings.class).in(Singleton.class);
        bind(RelayLogins.class).in(Singleton.class);
        bind(OAuthDeviceConnections.class).in(Singleton.class);
        bind(OAuthCodeConnections.class).in(Singleton.class);
        bind(OAuthProviderSettings.class).in(Singleton.class);
        bind(OAuthEndpointPolicy.class).toInstance(OAuthEndpointPolicy.fromSystemProperties());
        bind(SettingsEvents.class).in(Singleton.class);
        bind(DomainPolicySettings.class).in(Singleton.class);
        bind(AuditTrail.class).in(Singleton.class);
        bind(DnsDmarcPolicies.class).in(Singleton.class);
        bind(DmarcPolicies.class).to(DnsDmarcPolicies.class);
        bind(DmarcCheck.class).in(Singleton.class);
    }

    /** The DMARC lookup's settings, {@code dmarc.*} of outbound-relay.properties (defaults without the file). */
    @Provides
    @Singleton
    DmarcLookupSettings dmarcLookupSettings(PropertiesProvider properties) throws ConfigurationException {
        return DmarcLookupSettings.from(properties);
    }

    /**
     * Binds {@link SendAsRegistry}, {@link DomainRelayPolicies}, {@link Verifications}, {@link OAuthProviders},
     * {@link RelayAttemptLog}
     * (the audit trail read by the audit API and the health check, healthcheck.properties
     * {@code additional.healthchecks}) and {@link SettingsEventLog} (the configuration events of the audit trail) and
     * {@link RelaySendingLedger} (what the per-user sending limit counts). This
     * module keeps them in memory only (a restart forgets them; the two logs keep the newest
     * {@link InMemoryRelayAttemptLog#DEFAULT_CAPACITY} entries of this node); a subclass that persists them
     * (the JDBC store module of {@code store-jdbc}) overrides this and keeps every other binding.
     */
    protected void configureStores() {
        bind(InMemorySendAsRegistry.class).in(Singleton.class);
        bind(SendAsRegistry.class).to(InMemorySendAsRegistry.class);
        bind(InMemoryDomainRelayPolicies.class).in(Singleton.class);
        bind(DomainRelayPolicies.class).to(InMemoryDomainRelayPolicies.class);
        bind(InMemoryVerifications.class).in(Singleton.class);
        bind(Verifications.class).to(InMemoryVerifications.class);
        bind(InMemoryRelayAttemptLog.class).in(Singleton.class);
        bind(RelayAttemptLog.class).to(InMemoryRelayAttemptLog.class);
        bind(InMemoryOAuthProviders.class).in(Singleton.class);
        bind(OAuthProviders.class).to(InMemoryOAuthProviders.class);
        bind(InMemorySettingsEventLog.class).in(Singleton.class);
        bind(SettingsEventLog.class).to(InMemorySettingsEventLog.class);
        bind(InMemoryRelaySendingLedger.class).in(Singleton.class);
        bind(RelaySendingLedger.class).to(InMemoryRelaySendingLedger.class);
    }

    @Provides
    @Singleton
    RotatingSecretSealer rotatingSecretSealer(JamesDirectoriesProvider directories) {
        return new RotatingSecretSealer(Path.of(directories.getVarDirectory(), KEY_FILE));
    }

    /** One token client and one token cache for every delivery thread, relay test and settings surface. */
    @Provides
    @Singleton
    OAuthTokenClient oauthTokenClient(SecretSealer sealer, OAuthEndpointPolicy policy) {
        return new OAuthTokenClient(sealer, policy, OAUTH_TIMEOUT, Clock.systemUTC());
    }

    @Provides
    @Singleton
    AccessTokenCache accessTokenCache(OAuthTokenClient client) {
        return new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN);
    }

    @Provides
    @Singleton
    SecretSealer secretSealer(RotatingSecretSealer sealer) {
        return sealer;
    }
}
