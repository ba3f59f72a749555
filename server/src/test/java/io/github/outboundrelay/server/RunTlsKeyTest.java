package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, finding 11: james-conf/ ships no private key, and {@code ./run} makes this installation's own TLS key on
 * its first start (var/tls, owner-only), points the copy of the configuration in var/conf at it, and keeps it across
 * starts. The real {@code run} script runs in a copy of the repository's layout whose {@code java} only records that it
 * was started, so that no server starts (and nothing is built: the files ./run checks for are there).
 */
class RunTlsKeyTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("outbound-relay.james-conf", "../james-conf"))
        .toAbsolutePath().normalize().getParent();
    private static final Path JAMES_CONF = REPOSITORY.resolve("james-conf");
    private static final String OWNER_ONLY_FILE = "rw-------";
    private static final String OWNER_ONLY_FOLDER = "rwx------";

    @TempDir
    Path clone;

    @Test
    void jamesConfHoldsNoPrivateKey() throws IOException {
        try (Stream<Path> files = Files.walk(JAMES_CONF)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                assertThat(content).as(file + " is a text file (a key store is binary)").doesNotContain((byte) 0);
                assertThat(new String(content, StandardCharsets.UTF_8)).as(file.toString()).doesNotContain("PRIVATE KEY");
            }
        }
    }

    @Test
    void runMakesAnOwnerOnlyKeyOnItsFirstStartAndKeepsIt() throws Exception {
        stageClone();

        run();
        Path keyStore = clone.resolve("var/tls/keystore");
        byte[] firstKey = Files.readAllBytes(keyStore);
        run();

        assertThat(Files.readAllBytes(keyStore)).as("the key of the first start, kept").isEqualTo(firstKey);
        assertThat(permissions(clone.resolve("var/tls"))).isEqualTo(OWNER_ONLY_FOLDER);
        assertThat(permissions(keyStore)).isEqualTo(OWNER_ONLY_FILE);
        assertThat(permissions(clone.resolve("var/tls/keystore.password"))).isEqualTo(OWNER_ONLY_FILE);
        String password = Files.readString(clone.resolve("var/tls/keystore.password"), StandardCharsets.UTF_8);
        assertThat(password).matches("[A-Za-z0-9]{32,}");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        assertThat(store.isKeyEntry("james")).as("alias james (JMAP's token signing reads that alias)").isTrue();
        X509Certificate certificate = (X509Certificate) store.getCertificate("james");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(certificate.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString())
            .containsExactlyInAnyOrder("localhost", "127.0.0.1");

        // var/conf names the key and its password instead of conf/keystore and the sample's password, owner-only.
        for (String file : List.of("smtpserver.xml", "imapserver.xml", "jmap.properties", "outbound-relay-selfservice.properties")) {
            Path conf = clone.resolve("var/conf").resolve(file);
            assertThat(Files.readString(conf, StandardCharsets.UTF_8)).as(file)
                .contains("file://tls/keystore", password).doesNotContain("file://conf/keystore", "james72laBalle");
            assertThat(permissions(conf)).as(file).isEqualTo(OWNER_ONLY_FILE);
        }
        assertThat(Files.readString(clone.resolve("java.args"), StandardCharsets.UTF_8)).as("./run started the server")
            .contains("-Dworking.directory=var", OutboundRelayServerMain.class.getName());
    }

    private void run() throws IOException, InterruptedException {
        Path log = clone.resolve("run.log");
        ProcessBuilder run = new ProcessBuilder("bash", "run").directory(clone.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        run.environment().put("PATH", clone.resolve("bin") + ":" + System.getenv("PATH"));
        Process process = run.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./run finished").isTrue();
        assertThat(process.exitValue()).as("./run's exit status; output:\n" + Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }

    /** run, james-conf/ and the files ./run starts the server from; java records its arguments, keytool is the JDK's. */
    private void stageClone() throws IOException {
        Files.copy(REPOSITORY.resolve("run"), clone.resolve("run"));
        QuickstartWalkthroughTest.copyTree(JAMES_CONF, clone.resolve("james-conf"));
        String run = Files.readString(REPOSITORY.resolve("run"), StandardCharsets.UTF_8);
        for (String built : List.of("server/target/run-classpath.txt", QuickstartWalkthroughTest.assignedPath(run, "main_jar"),
            QuickstartWalkthroughTest.assignedPath(run, "jar"))) {
            Files.createDirectories(clone.resolve(built).getParent());
            Files.writeString(clone.resolve(built), "");
        }
        Path bin = Files.createDirectories(clone.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$@\" > \"" + clone.resolve("java.args") + "\"\n");
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(bin.resolve("keytool"), Path.of(System.getProperty("java.home"), "bin", "keytool"));
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
