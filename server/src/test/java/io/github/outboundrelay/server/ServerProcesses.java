package io.github.outboundrelay.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link ServerProcess}es of one test (register as a non-static {@code @RegisterExtension} field): each is started
 * and awaited the same way, and whichever is still alive when the test ends, passed or failed, is killed.
 */
final class ServerProcesses implements AfterEachCallback {
    /** A cold JVM booting James, with room for a loaded machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(45);

    private final List<ServerProcess> started = new ArrayList<>();

    /** Starts OutboundRelayServerMain on {@code workingDirectory} (conf already written) and waits until James started. */
    ServerProcess start(Path workingDirectory, String logName) throws IOException, InterruptedException {
        ServerProcess server = launch(workingDirectory, logName);
        server.awaitStarted(START_TIMEOUT);
        return server;
    }

    /**
     * Starts OutboundRelayServerMain without waiting, so that several boot at once; await each with
     * {@code awaitStarted(START_TIMEOUT)}.
     */
    ServerProcess launch(Path workingDirectory, String logName) throws IOException {
        ServerProcess server = ServerProcess.start(workingDirectory, logName);
        started.add(server);
        return server;
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (ServerProcess server : started) {
            server.close();
        }
        started.clear();
    }
}
