package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.testing.RequiredCommand;

/**
 * Issue 7, first run: docs/QUICKSTART.md works verbatim. The shell blocks marked {@code <!-- test: start james -->}
 * and {@code <!-- test: start relay -->} are started as they are written ({@code OUTBOUND_RELAY_PRACTICE=1 ./run},
 * {@code ./practice-relay}), then every block marked {@code <!-- test: run -->} runs, in order, in one
 * {@code bash -euo pipefail}, as a reader would type them; the test then checks what the practice relay received.
 *
 * <p>The commands run in a copy of the repository's layout in a temporary directory, so that the walk-through starts
 * from an empty {@code ./var} and never touches the developer's own {@code ./var}: the real {@code run},
 * {@code practice-relay}, {@code james-conf/} and test trust store, with what {@code ./run} and {@code ./practice-relay}
 * start from already built (this module's classes as the server jar, {@code run-classpath.txt}, the testing module's
 * classes and class path), so that neither script builds anything here. The extension jar is an empty jar: its
 * classes are in the module jars that {@code run-classpath.txt} lists, as in {@link KillNineRestartTest}.
 *
 * <p>It needs {@code swaks} and {@code curl} ({@code ./test} installs them) and the fixed ports of james-conf: it
 * fails, never skips, when one is missing. Every other test of the build uses ephemeral ports for SMTP, IMAP and
 * WebAdmin; this module's tests run one at a time, so the in-process server of {@link PersistentMailQueueModuleTest}
 * (JMX on 9999) is stopped before this one starts.
 */
class QuickstartWalkthroughTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("outbound-relay.james-conf", "../james-conf"))
        .toAbsolutePath().normalize().getParent();
    private static final Path QUICKSTART = REPOSITORY.resolve("docs/QUICKSTART.md");
    /** SMTP, submission, IMAP, WebAdmin, JMX (james-conf) and the practice relay. */
    private static final List<Integer> FIXED_PORTS = List.of(2525, 2587, 1143, 8000, 8001, 8443, 9999, 10587);
    private static final Pattern MARK = Pattern.compile("^<!-- test: (start james|start relay|run) -->$");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WALKTHROUGH_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration PORTS_WAIT = Duration.ofSeconds(90);

    @TempDir
    Path clone;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theQuickstartWalkthroughRelaysAliceMailThroughThePartnerWithAuth() throws Exception {
        RequiredCommand.require("swaks", "swaks");
        RequiredCommand.require("curl", "curl");
        requireFreePorts();
        List<Block> blocks = blocks(Files.readString(QUICKSTART, StandardCharsets.UTF_8));
        assertThat(blocks).extracting(Block::kind).contains("start james", "start relay", "run");
        stageClone();

        for (Block block : blocks) {
            if (block.kind().equals("start james")) {
                start(block, "james", "JAMES server started");
            } else if (block.kind().equals("start relay")) {
                start(block, "relay", "Practice relay listening");
            }
        }
        String script = "set -euo pipefail\n" + String.join("\n", blocks.stream()
            .filter(block -> block.kind().equals("run")).map(Block::commands).toList());
        Files.writeString(clone.resolve("walkthrough.sh"), script, StandardCharsets.UTF_8);
        Process walkthrough = new ProcessBuilder("bash", "walkthrough.sh")
            .directory(clone.toFile())
            .redirectErrorStream(true)
            .redirectOutput(clone.resolve("walkthrough.log").toFile())
            .start();
        started.add(walkthrough);
        boolean finished = walkthrough.waitFor(WALKTHROUGH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String output = read(clone.resolve("walkthrough.log"));
        assertThat(finished).as("the walk-through finished within " + WALKTHROUGH_TIMEOUT + "; output:\n" + output
            + diagnostics()).isTrue();
        assertThat(walkthrough.exitValue()).as("exit status of the walk-through; output:\n" + output + diagnostics()).isZero();

        // What the reader is told to expect, step by step.
        assertThat(output).as(output)
            .contains("{\"domain\":\"ourdomain.test\",\"allowed\":true,\"allowInsecure\":false,\"allowAlternateAddresses\":true,\"checkDmarc\":true}")
            .contains("\"status\":\"pending\"")
            .contains("\"status\":\"verified\"")
            .contains("250 2.6.0 Message received")
            .contains("\"outcome\":\"DELIVERED\",\"replyCode\":250")
            .contains("Final-Recipient: rfc822; nobody@partner.test")
            .contains("Action: failed")
            .contains("\"result\":\"ok\"")
            .contains("[{\"address\":\"alice@partner.test\",\"host\":\"localhost\",\"port\":10587,\"security\":\"STARTTLS\"");
        // The partner relay received Alice's mail over TLS, authenticated as the partner account, from the address.
        String received = read(clone.resolve("var/practice-relay/received.log"));
        assertThat(received).as(received)
            .contains("from=<alice@partner.test> to=[<bob@elsewhere.test>] auth=alice@partner.test tls=yes");
        String relayed = read(clone.resolve("var/practice-relay/002.eml"));
        assertThat(relayed).contains("Subject: Hello from the quickstart")
            .contains("From: alice@partner.test")
            .contains("Sent as alice@partner.test through the partner relay.");
    }

    record Block(String kind, String commands) {
    }

    /** The fenced shell blocks right after a {@code <!-- test: ... -->} line. */
    static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher mark = MARK.matcher(lines.get(i).trim());
            if (!mark.matches()) {
                continue;
            }
            int open = i + 1;
            if (open >= lines.size() || !lines.get(open).startsWith("```sh")) {
                throw new IllegalStateException("QUICKSTART.md line " + (i + 1) + ": a test mark must be followed by a ```sh block");
            }
            StringBuilder commands = new StringBuilder();
            int line = open + 1;
            for (; line < lines.size() && !lines.get(line).startsWith("```"); line++) {
                commands.append(lines.get(line)).append('\n');
            }
            blocks.add(new Block(mark.group(1), commands.toString()));
            i = line;
        }
        return blocks;
    }

    private void start(Block block, String name, String readyLine) throws IOException, InterruptedException {
        List<String> commands = block.commands().lines().filter(line -> !line.isBlank()).toList();
        assertThat(commands).as("a start block holds one command").hasSize(1);
        Path log = clone.resolve(name + ".log");
        Process process = new ProcessBuilder("bash", "-c", commands.get(0))
            .directory(clone.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        started.add(process);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!read(log).contains(readyLine)) {
            assertThat(process.isAlive()).as(name + " exited before '" + readyLine + "':\n" + read(log)).isTrue();
            assertThat(System.nanoTime() < deadline).as(name + " did not print '" + readyLine + "' within "
                + START_TIMEOUT + ":\n" + read(log)).isTrue();
            Thread.sleep(200);
        }
    }

    /** The repository layout that ./run and ./practice-relay expect, already built. */
    private void stageClone() throws IOException {
        copy(REPOSITORY.resolve("run"), clone.resolve("run"));
        copy(REPOSITORY.resolve("practice-relay"), clone.resolve("practice-relay"));
        copyTree(REPOSITORY.resolve("james-conf"), clone.resolve("james-conf"));
        copy(REPOSITORY.resolve("testing/src/main/resources/tls/truststore.p12"),
            clone.resolve("testing/src/main/resources/tls/truststore.p12"));

        String run = read(REPOSITORY.resolve("run"));
        Path serverTarget = clone.resolve("server/target");
        Files.createDirectories(serverTarget);
        copy(Path.of(System.getProperty("outbound-relay.run-classpath")), clone.resolve("server/target/run-classpath.txt"));
        jar(clone.resolve(assignedPath(run, "main_jar")), Path.of(System.getProperty("outbound-relay.server-classes")));
        jar(clone.resolve(assignedPath(run, "jar")), null);

        Path testingTarget = REPOSITORY.resolve("testing/target");
        Path relayClassPath = testingTarget.resolve("practice-relay-classpath.txt");
        assertThat(relayClassPath).as("the testing module is built (mvn install -pl testing) before this test").exists();
        copyTree(testingTarget.resolve("classes"), clone.resolve("testing/target/classes"));
        // Last, so that ./practice-relay finds its class path newer than every staged source file and builds nothing.
        copy(relayClassPath, clone.resolve("testing/target/practice-relay-classpath.txt"));
        assertThat(clone.resolve("testing/target/practice-relay-classpath.txt").toFile()
            .setLastModified(System.currentTimeMillis() + 60_000)).isTrue();
    }

    static String assignedPath(String script, String variable) {
        Matcher matcher = Pattern.compile("(?m)^" + variable + "=\"([^\"]+)\"$").matcher(script);
        assertThat(matcher.find()).as("./run assigns " + variable).isTrue();
        return matcher.group(1);
    }

    /** A jar of {@code classes}, or an empty one. */
    private static void jar(Path target, Path classes) throws IOException {
        Files.createDirectories(target.getParent());
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target))) {
            if (classes == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    jar.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, jar);
                    jar.closeEntry();
                }
            }
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    copy(file, destination);
                }
            }
        }
    }

    /**
     * Waits a while for the fixed ports (another build on the same machine may be running this very test), then
     * fails naming the port that stays taken.
     */
    private static void requireFreePorts() throws InterruptedException {
        long deadline = System.nanoTime() + PORTS_WAIT.toNanos();
        for (int port : FIXED_PORTS) {
            while (true) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("docs/QUICKSTART.md needs 127.0.0.1:" + port + " free (ports " + FIXED_PORTS
                            + "); it stayed taken for " + PORTS_WAIT + ": a ./run or ./practice-relay still running?", e);
                    }
                    Thread.sleep(1000);
                }
            }
        }
    }

    private String diagnostics() {
        return "\n--- james.log (tail):\n" + tail(clone.resolve("james.log")) + "\n--- relay.log (tail):\n"
            + tail(clone.resolve("relay.log"));
    }

    private static String tail(Path file) {
        String all = read(file);
        return all.substring(Math.max(0, all.length() - 5000));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
