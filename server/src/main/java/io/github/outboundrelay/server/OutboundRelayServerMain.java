package io.github.outboundrelay.server;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.server.JMXServerModule;

import io.github.outboundrelay.server.jmap.SendAsJmapModule;

/**
 * What {@code ./run} starts: James 3.8.1's memory server, built exactly as {@link MemoryJamesServerMain} builds it,
 * except that every MailQueue (spool, outgoing, outbound-relay...) is James's ActiveMQ queue persisted under
 * {@code <working directory>/var/store/activemq} ({@link PersistentMailQueueModule}) instead of the memory queue, so
 * queued mail survives a restart or a {@code kill -9}, and James's users and domains are James's JPA ones on an
 * embedded Derby ({@link PersistentUsersModule}). Mailboxes stay in memory as in the memory flavour. JMX listens on
 * loopback only ({@link LoopbackRmiSockets}). JMAP may also send as a user's verified send-as addresses
 * ({@link SendAsJmapModule}), which the extension jar alone cannot offer on a stock James.
 */
public final class OutboundRelayServerMain implements JamesServerMain {

    private OutboundRelayServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();
        LoopbackRmiSockets.install();

        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();

        LOGGER.info("Loading configuration {}", configuration);
        GuiceJamesServer server = createServer(configuration)
            .combineWith(new FakeSearchMailboxModule(), new JMXServerModule())
            .overrideWith(new RunArgumentsModule(args));

        JamesServerMain.main(server);
    }

    /**
     * {@link MemoryJamesServerMain#createServer} with the persistent queue, users and domains bound over the memory
     * ones, and JMAP allowed to send as the users' verified send-as addresses ({@link SendAsJmapModule}).
     */
    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration) {
        return MemoryJamesServerMain.createServer(configuration)
            .overrideWith(new PersistentMailQueueModule(), new PersistentUsersModule(), new SendAsJmapModule());
    }
}
