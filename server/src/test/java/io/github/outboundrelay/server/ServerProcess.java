package io.github.outboundrelay.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OutboundRelayServerMain in a JVM of its own, started the way {@code ./run} starts it (same main class, same class
 * path: the server's classes and run-classpath.txt, which lists the extension modules and James), so that a test can
 * kill it with SIGKILL. Its console log goes to a file in the working directory.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(Path workingDirectory, String logName) throws IOException {
        Path log = workingDirectory.resolve(logName + ".log");
        String classPath = System.getProperty("outbound-relay.server-classes") + File.pathSeparator
            + Files.readString(Path.of(System.getProperty("outbound-relay.run-classpath")), StandardCharsets.UTF_8).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java,
            "-Xmx384m",
            // start-up speed over peak performance: these servers live for seconds
            "-XX:TieredStopAtLevel=1",
            "-Dworking.directory=" + workingDirectory,
            "-Dlogback.configurationFile=" + workingDirectory.resolve("conf/logback.xml"),
            "-cp", classPath,
            OutboundRelayServerMain.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        return new ServerProcess(process, log);
    }

    void awaitStarted(Duration timeout) throws InterruptedException {
        awaitLog("JAMES server started", timeout);
    }

    void awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("The server exited (" + process.exitValue() + ") before logging '" + text + "':\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The server did not log '" + text + "' within " + timeout + ":\n" + logTail());
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM, as Ctrl-C stops ./run: James's shutdown hook stops the server; returns the exit status. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("The server did not stop within " + timeout + " of SIGTERM:\n" + logTail());
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no broker stop, nothing flushed by the JVM. */
    int killHard() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail() {
        String all = log();
        return all.substring(Math.max(0, all.length() - 6000));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            killHard();
        }
    }
}
