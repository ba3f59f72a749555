package io.github.outboundrelay.server;

import java.io.File;
import java.io.IOException;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ActiveMQ broker inside the James JVM, reachable only through {@code vm://} (no TCP listener), persisting every
 * queued message to KahaDB. James's ActiveMQ queue sends each mail as a blob message: the MIME content goes to a file
 * under {@code blob-transfer/} (written before the message is sent), the envelope and attributes to KahaDB. Both live
 * under James's var directory:
 * <pre>
 * var/store/activemq/brokers/KahaDB     the journal and index (one message per queued mail, with its delivery time)
 * var/store/activemq/blob-transfer      the mail contents, one file per queued mail
 * </pre>
 * Stopped by James on shutdown ({@code @PreDestroy}); after a crash KahaDB replays its journal on the next start.
 */
public class EmbeddedActiveMQBroker implements MailQueueBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedActiveMQBroker.class);

    static final String BROKER_NAME = "james";
    private static final long BROKER_MEMORY_LIMIT_BYTES = 64L * 1024 * 1024;
    /** Resolved by James's FileSystem against its var directory, as the blob strategy resolves every blob URL. */
    static final String BLOB_TRANSFER_URL = FileSystem.FILE_PROTOCOL_AND_VAR + "store/activemq/blob-transfer";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    @Inject
    public EmbeddedActiveMQBroker(JamesDirectoriesProvider directories, FileSystem fileSystem) {
        File brokers = brokersDirectory(directories);
        try {
            this.broker = newBroker(brokers);
            broker.start();
            broker.waitUntilStarted();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded ActiveMQ broker in " + brokers, e);
        }
        LOGGER.info("Embedded ActiveMQ broker started, persisting queued mail in {}", brokers.getAbsoluteFile().getParentFile());
        this.connectionFactory = newConnectionFactory(fileSystem);
    }

    static File storeDirectory(JamesDirectoriesProvider directories) {
        return new File(directories.getVarDirectory(), "store/activemq");
    }

    private static File brokersDirectory(JamesDirectoriesProvider directories) {
        return new File(storeDirectory(directories), "brokers");
    }

    private static BrokerService newBroker(File brokers) throws IOException {
        KahaDBPersistenceAdapter kahaDB = new KahaDBPersistenceAdapter();
        kahaDB.setDirectory(new File(brokers, "KahaDB"));

        BrokerService broker = new BrokerService();
        broker.setBrokerName(BROKER_NAME);
        broker.setDataDirectoryFile(brokers);
        broker.setPersistent(true);
        broker.setPersistenceAdapter(kahaDB);
        // vm:// only: no transport connector, so no TCP port, and no JMX connector either.
        broker.setUseJmx(false);
        // James stops the broker itself, after the queues that use it (@PreDestroy runs first-in-last-out).
        broker.setUseShutdownHook(false);
        // James's JMS queue implements enqueue delays with a message selector on its own next-delivery property,
        // not with ActiveMQ's scheduler (AMQ_SCHEDULED_DELAY), so the scheduler store stays off as in James.
        broker.setSchedulerSupport(false);
        // ActiveMQCacheableMailQueue#getSize asks this plugin; without it every size query waits 2 s and then browses.
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setEnableStatistics(true);
        // Mail contents are blob files, so messages in memory are small: keep the heap for James (the default
        // 1 GB is cut to 70 % of the heap with a warning).
        broker.getSystemUsage().getMemoryUsage().setLimit(BROKER_MEMORY_LIMIT_BYTES);
        return broker;
    }

    private static ActiveMQConnectionFactory newConnectionFactory(FileSystem fileSystem) {
        FileSystemBlobTransferPolicy blobTransferPolicy = new FileSystemBlobTransferPolicy();
        blobTransferPolicy.setFileSystem(fileSystem);
        blobTransferPolicy.setDefaultUploadUrl(BLOB_TRANSFER_URL);

        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        // A consumer takes one message when it asks for one: a waiting mail is never parked in another consumer.
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);

        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://" + BROKER_NAME + "?create=false");
        factory.setTrustAllPackages(false);
        factory.setBlobTransferPolicy(blobTransferPolicy);
        factory.setPrefetchPolicy(prefetch);
        return factory;
    }

    @Override
    public ActiveMQConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @Override
    public boolean contentInLocalFiles() {
        return true;
    }

    public boolean isStarted() {
        return broker.isStarted();
    }

    @PreDestroy
    public void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
        LOGGER.info("Embedded ActiveMQ broker stopped");
    }
}
