package io.github.outboundrelay.server.jmap;

import javax.inject.Inject;
import javax.inject.Provider;
import javax.inject.Singleton;

import org.apache.james.utils.ClassName;
import org.apache.james.utils.GuiceGenericLoader;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * The extension's singletons, seen from James's main injector. James builds the extension modules of
 * {@code extensions.properties} into one child injector, held by its {@link GuiceGenericLoader}; the main injector
 * cannot inject from it, so this asks that loader for them, on first use (the loader, and so the extension's store, is
 * built when the mailet container starts). They are the very instances the matchers, the SMTP hook and the admin
 * routes use: an address verified or removed through the admin API is seen by the next JMAP request.
 */
@Singleton
public class OutboundRelayExtension {
    private final Supplier<OutboundRelayRule> rule;
    private final Supplier<SendAsRegistry> registry;

    @Inject
    public OutboundRelayExtension(Provider<GuiceGenericLoader> loader) {
        this.rule = Suppliers.memoize(() -> instance(loader, OutboundRelayRule.class));
        this.registry = Suppliers.memoize(() -> instance(loader, SendAsRegistry.class));
    }

    public OutboundRelayRule rule() {
        return rule.get();
    }

    public SendAsRegistry registry() {
        return registry.get();
    }

    private static <T> T instance(Provider<GuiceGenericLoader> loader, Class<T> type) {
        try {
            return loader.get().instantiate(new ClassName(type.getName()));
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new IllegalStateException("The outbound-relay extension is not loaded: extensions.properties must name "
                + "its module (guice.extension.module) for JMAP to offer send-as addresses", e);
        }
    }
}
