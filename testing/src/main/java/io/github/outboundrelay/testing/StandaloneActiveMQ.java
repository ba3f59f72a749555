package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's ActiveMQ broker (package {@code activemq}, 5.17) as a process the test starts, not the system service: a
 * configuration of the test's own in {@code directory} (KahaDB there too), one OpenWire listener on loopback, a user
 * and password the clients must give, and the statistics plugin James's queue asks for sizes. It can be stopped and
 * started again on the same data and port, as an outage of the broker the James nodes share.
 */
public final class StandaloneActiveMQ implements AutoCloseable {
    public static final String USER = "james";
    public static final String PASSWORD = "broker-secret-of-james";
    private static final Path BROKER_JAR = Path.of("/usr/share/activemq/bin/activemq.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final int port;
    private Process process;

    private StandaloneActiveMQ(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Starts a new broker with its configuration and data in {@code directory}, on a free port. */
    public static StandaloneActiveMQ startNew(Path directory) {
        RequiredCommand.require("activemq", "activemq");
        StandaloneActiveMQ broker = new StandaloneActiveMQ(directory, SmtpPeer.freePort());
        broker.writeConfiguration();
        broker.start();
        return broker;
    }

    /** What a James node's {@code queue.broker.url} names. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker on the same port and data as before; returns once it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The broker is already running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m",
            "-Dactivemq.home=/usr/share/activemq", "-Dactivemq.base=" + directory, "-Dactivemq.conf=" + directory,
            "-Dactivemq.data=" + directory.resolve("data"), "-Djava.io.tmpdir=" + directory.resolve("tmp"),
            "-jar", BROKER_JAR.toString(), "start", "xbean:file:" + directory.resolve("activemq.xml")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile()));
        try {
            Files.createDirectories(directory.resolve("tmp"));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start ActiveMQ from " + BROKER_JAR, e);
        }
        awaitListening();
    }

    /** Stops the broker as an outage would (SIGKILL): what it had persisted stays in its data directory. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        kill();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ActiveMQ exited at start; see " + directory.resolve("broker.log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("ActiveMQ does not listen on " + port + " after " + START_TIMEOUT);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void writeConfiguration() {
        String xml = """
            <beans xmlns="http://www.springframework.org/schema/beans"
                   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                   xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
                     http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
                <broker xmlns="http://activemq.apache.org/schema/core" brokerName="shared-test-broker" useJmx="false"
                        dataDirectory="%1$s/data">
                    <plugins>
                        <statisticsBrokerPlugin/>
                        <simpleAuthenticationPlugin anonymousAccessAllowed="false">
                            <users>
                                <authenticationUser username="%2$s" password="%3$s" groups="users"/>
                            </users>
                        </simpleAuthenticationPlugin>
                    </plugins>
                    <persistenceAdapter>
                        <kahaDB directory="%1$s/data/kahadb"/>
                    </persistenceAdapter>
                    <transportConnectors>
                        <transportConnector name="openwire" uri="tcp://127.0.0.1:%4$d"/>
                    </transportConnectors>
                </broker>
            </beans>
            """.formatted(directory, USER, PASSWORD, port);
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("activemq.xml"), xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
