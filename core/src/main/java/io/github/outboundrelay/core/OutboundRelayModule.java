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
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.RotatingSecretSealer;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.settings.DmarcCheck;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.OAuthCodeConnections;
import io.github.outboundrelay.core.settings.OAuthDeviceConnections;
import io.github.outboundrelay.core.settings.OAuthProviderSettings;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.MemoryStoreModule;
import io.github.outboundrelay.core.verification.SendAsVerifier;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * The extension's Guice module, named in {@code extensions.properties} as {@code guice.extension.module}. James
 * builds one child injector from the extension modules for every matcher, mailet, SMTP hook and WebAdmin route it
 * loads, so the singletons bound here are shared by all of them: a change made through the admin API is seen by the
 * very next mail.
 *
 * <p>It binds no store: a store module is listed beside it, {@code store.jdbc.OutboundRelayStoreModule} (the store
 * {@code outbound-relay.properties} chooses: embedded H2, PostgreSQL or memory) or, in tests and throw-away set-ups,
 * {@link MemoryStoreModule}. Without one, James stops at start-up naming the unbound store port.</p>
 */
public class OutboundRelayModule extends AbstractModule {
    static final String KEY_FILE = "outbound-relay/relay-secrets.key";
    /** Token endpoint requests: connect and answer within this, or the delivery waits and retries (TEMPORARY). */
    static final Duration OAUTH_TIMEOUT = Duration.ofSeconds(20);

    @Override
    protected void configure() {
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
