package io.github.outboundrelay.core.store.memory;

import javax.inject.Singleton;

import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelaySendingLedger;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.SettingsEventLog;
import io.github.outboundrelay.core.store.Verifications;

import com.google.inject.AbstractModule;

/**
 * Every store port bound to this node's memory, listed beside {@code core.OutboundRelayModule}: a restart forgets
 * everything, and the two logs keep the newest {@link InMemoryRelayAttemptLog#DEFAULT_CAPACITY} entries of this node.
 * For tests and throw-away set-ups; deployments list {@code store.jdbc.OutboundRelayStoreModule} instead (whose
 * {@code store=memory} gives the same stores).
 */
public class MemoryStoreModule extends AbstractModule {
    @Override
    protected void configure() {
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
}
