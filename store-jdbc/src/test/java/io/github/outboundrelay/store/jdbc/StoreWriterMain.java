package io.github.outboundrelay.store.jdbc;

import java.nio.file.Path;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/** Run in a child JVM by {@link H2RestartTest}: writes, says so, then waits to be killed with SIGKILL. */
public final class StoreWriterMain {
    static final String WRITTEN = "WRITTEN";

    private StoreWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(Path.of(args[0])));
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        store.sendAsRegistry().register(alice);
        new SendAsVerifier(store.verifications()).saved(alice, true);
        store.domainRelayPolicies().set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        System.out.println(WRITTEN);
        System.out.flush();
        Thread.sleep(60_000);
    }
}
