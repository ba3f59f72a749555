package io.github.outboundrelay.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;

/**
 * One James 3.8.1 memory server of a deployment with several nodes, in a working directory of its own, booted from
 * {@code james-conf/} as {@link OutboundRelayJames} boots one (JamesServerExtension handles one server per
 * registration and gives no say on the order; here the test starts and stops each node itself).
 */
final class JamesNode implements AutoCloseable {
    /** Where the extension keeps the key sealing relay passwords, below James's var directory. */
    static final String SECRET_KEY_FILE = "var/outbound-relay/relay-secrets.key";

    private final String name;
    private final Path workingDirectory;
    private final GuiceJamesServer server;

    private JamesNode(String name, Path workingDirectory, GuiceJamesServer server) {
        this.name = name;
        this.workingDirectory = workingDirectory;
        this.server = server;
    }

    /** Writes {@code conf} into {@code workingDirectory}/conf and starts James there. */
    static JamesNode start(String name, Path workingDirectory, JamesConfFolder conf) throws Exception {
        Files.createDirectories(workingDirectory);
        conf.writeInto(workingDirectory.toFile());
        GuiceJamesServer server = MemoryJamesServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(workingDirectory.toFile())
            .build())
            .overrideWith(OutboundRelayJames.JMAP_ON_A_FREE_PORT);
        server.start();
        return new JamesNode(name, workingDirectory, server);
    }

    /**
     * Copies the relay secret key file of {@code from} (a started node) into {@code workingDirectory}, where a node
     * started there will find it instead of creating a key of its own: what an admin does for every node but the
     * first.
     */
    static void copySecretKeyFile(JamesNode from, Path workingDirectory) {
        Path source = from.secretKeyFile();
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException(from + " has no relay secret key file at " + source);
        }
        Path target = workingDirectory.resolve(SECRET_KEY_FILE);
        try {
            Files.createDirectories(target.getParent());
            Files.copy(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path secretKeyFile() {
        return workingDirectory.resolve(SECRET_KEY_FILE);
    }

    GuiceJamesServer server() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "James node " + name;
    }
}
