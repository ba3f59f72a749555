package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shipped {@code james-conf/} copied into a test server's working directory, with the few edits a test needs.
 * Every edit must find its text, so a test breaks loudly when james-conf drifts away from what it exercises. The
 * source folder is the system property {@code outbound-relay.james-conf} (set by the build), else {@code ../james-conf}.
 * james-conf ships no TLS key ({@code ./run} makes one of its own): the copy gets the test-only key of {@link TestTls}
 * as {@code conf/keystore}, with its password where james-conf names the sample's.
 */
public final class JamesConfCopy {
    private record Edit(String file, String from, String to) {
    }

    private static final String SELF_SERVICE = "outbound-relay-selfservice.properties";
    /** Where the connection rules of the relays are (relay.*). */
    private static final String RELAY_RULES = "outbound-relay.properties";
    private static final String SELF_SERVICE_PORT = "port=8443";
    /** Where james-conf's listeners, JMAP and the users' page look for their key, and the sample's password of it. */
    private static final String KEY_STORE = "file://conf/keystore";
    private static final String SAMPLE_KEY_STORE_PASSWORD = "james72laBalle";
    private static final String SELF_SERVICE_PUBLIC_URL = "public.url=https://127.0.0.1:8443";

    private final List<Edit> edits = new ArrayList<>();

    /**
     * The shipped conf, with the users' self-service surface on an ephemeral port (a test that signs in there sets a
     * port of its own with {@link #selfServiceOn(int)}): several servers share one machine during a build.
     */
    public static JamesConfCopy shipped() {
        return new JamesConfCopy().edit(SELF_SERVICE, SELF_SERVICE_PORT, "port=0");
    }

    /** The self-service surface on that port of loopback, which is also its {@code public.url} (the OAuth callback's). */
    public JamesConfCopy selfServiceOn(int port) {
        edits.removeIf(edit -> edit.file().equals(SELF_SERVICE) && edit.from().equals(SELF_SERVICE_PORT));
        return edit(SELF_SERVICE, SELF_SERVICE_PORT, "port=" + port)
            .edit(SELF_SERVICE, SELF_SERVICE_PUBLIC_URL, "public.url=https://127.0.0.1:" + port);
    }

    /**
     * The relays of the tests listen on loopback, on ephemeral ports: allowed as an admin allows an internal relay
     * (the connection rules of outbound-relay.properties).
     *
     * @param ports the allowed ports, e.g. {@code 1024-65535}
     */
    public JamesConfCopy allowingLoopbackRelays(String ports) {
        return edit(RELAY_RULES, "\nrelay.allowedPorts=25,465,587,2525\n", "\nrelay.allowedPorts=" + ports + "\n")
            .edit(RELAY_RULES, "\n#relay.allowedNetworks=\n", "\nrelay.allowedNetworks=127.0.0.0/8\n");
    }

    /** Relays may present a certificate of the test CA ({@link TestTls}), besides the JVM's CAs. */
    public JamesConfCopy trustingTestRelays() {
        return edit(RELAY_RULES, "\n#relay.trustStore=/path/to/relays.p12\n#relay.trustStorePassword=\n",
            "\nrelay.trustStore=" + TestTls.trustStorePath() + "\nrelay.trustStorePassword=" + TestTls.trustStorePassword() + "\n");
    }

    /** Code mails through the address's own relay ({@code relay.verificationMail=relay}). */
    public JamesConfCopy verificationMailThroughRelays() {
        return edit(RELAY_RULES, "\nrelay.verificationMail=mailbox\n", "\nrelay.verificationMail=relay\n");
    }

    public JamesConfCopy edit(String file, String from, String to) {
        edits.add(new Edit(file, from, to));
        return this;
    }

    /** Writes {@code <workingDirectory>/conf} and returns it. */
    public Path writeInto(Path workingDirectory) {
        Path source = Path.of(System.getProperty("outbound-relay.james-conf", "../james-conf"));
        Path target = workingDirectory.resolve("conf");
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
            installTestKeyStore(target);
            for (Edit edit : edits) {
                Path file = target.resolve(edit.file());
                String content = Files.readString(file, StandardCharsets.UTF_8);
                if (!content.contains(edit.from())) {
                    throw new IllegalStateException("james-conf/" + edit.file() + " no longer contains '" + edit.from() + "'");
                }
                Files.writeString(file, content.replace(edit.from(), edit.to()), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void installTestKeyStore(Path conf) throws IOException {
        List<Path> users;
        try (Stream<Path> files = Files.list(conf)) {
            users = files.filter(file -> read(file).contains(KEY_STORE)).toList();
        }
        if (users.isEmpty()) {
            throw new IllegalStateException("no file of james-conf/ names " + KEY_STORE + " any more");
        }
        for (Path file : users) {
            Files.writeString(file, read(file).replace(SAMPLE_KEY_STORE_PASSWORD, TestTls.trustStorePassword()), StandardCharsets.UTF_8);
        }
        TestTls.writeJamesKeyStore(conf.resolve("keystore"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
