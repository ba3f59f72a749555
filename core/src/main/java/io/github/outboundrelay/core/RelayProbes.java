package io.github.outboundrelay.core;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Singleton;

/**
 * Where the running OutboundRelayDelivery mailet leaves its {@link RelayProbe} for the admin API (both get this
 * singleton from the extension injector). Empty when no such mailet is configured or it has not started.
 */
@Singleton
public class RelayProbes {
    private final AtomicReference<RelayProbe> installed = new AtomicReference<>();

    public void install(RelayProbe probe) {
        installed.set(probe);
    }

    public void uninstall(RelayProbe probe) {
        installed.compareAndSet(probe, null);
    }

    public Optional<RelayProbe> current() {
        return Optional.ofNullable(installed.get());
    }
}
