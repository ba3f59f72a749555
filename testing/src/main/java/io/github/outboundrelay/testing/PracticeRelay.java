package io.github.outboundrelay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A practice partner relay for docs/QUICKSTART.md, started by {@code ./practice-relay}: a real SMTP server on
 * {@code 127.0.0.1} (port 10587 by default) that requires STARTTLS (test certificate for {@code localhost}, trusted by
 * {@code testing/src/main/resources/tls/truststore.p12} only) and AUTH as one account, accepts every recipient except
 * {@value #REFUSED_RECIPIENT} (550, to see a bounce), and prints every mail it accepts. Each mail is also written to
 * {@code <dir>/<n>.eml} with one line in {@code <dir>/received.log} (envelope, AUTH user, TLS), so that scripts can read
 * what arrived. Never a real relay: it keeps nothing but those files, and stops with Ctrl-C.
 *
 * <pre>
 * PracticeRelay [--port 10587] [--user alice@partner.test] [--password partner-secret] [--dir var/practice-relay]
 * </pre>
 */
public final class PracticeRelay {
    public static final int DEFAULT_PORT = 10587;
    public static final String DEFAULT_USER = "alice@partner.test";
    public static final String DEFAULT_PASSWORD = "partner-secret";
    public static final String DEFAULT_DIRECTORY = "var/practice-relay";
    public static final String REFUSED_RECIPIENT = "nobody@partner.test";

    private PracticeRelay() {
    }

    public static void main(String[] args) throws Exception {
        int port = DEFAULT_PORT;
        String user = DEFAULT_USER;
        String password = DEFAULT_PASSWORD;
        Path directory = Path.of(DEFAULT_DIRECTORY);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--user" -> user = required(args[i], value);
                case "--password" -> password = required(args[i], value);
                case "--dir" -> directory = Path.of(required(args[i], value));
                default -> {
                    System.err.println("Unknown option " + args[i]
                        + "; usage: practice-relay [--port N] [--user U] [--password P] [--dir D]");
                    System.exit(2);
                }
            }
            i++;
        }
        Files.createDirectories(directory);
        Path log = directory.resolve("received.log");
        SmtpPeer peer = SmtpPeer.builder()
            .onPort(port)
            .requireStartTls()
            .requireAuth(user, password)
            .start()
            .refuseRecipient(REFUSED_RECIPIENT, 550, "5.1.1 " + REFUSED_RECIPIENT + ": no such user here");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            peer.close();
            stopped.countDown();
        }, "practice-relay-stop"));
        System.out.println("Practice relay listening on localhost:" + peer.port() + " (127.0.0.1): STARTTLS required"
            + " (test certificate for localhost), AUTH required as " + user + " / " + password + "; refuses "
            + REFUSED_RECIPIENT + " with 550. Mail goes to " + directory.toAbsolutePath() + ". Ctrl-C stops.");
        System.out.flush();

        int shown = 0;
        while (stopped.getCount() > 0) {
            List<ReceivedMail> received = peer.received();
            for (; shown < received.size(); shown++) {
                record(directory, log, shown + 1, received.get(shown));
            }
            Thread.sleep(200);
        }
    }

    private static void record(Path directory, Path log, int number, ReceivedMail mail) throws IOException {
        Path file = directory.resolve(String.format("%03d.eml", number));
        Files.write(file, mail.raw());
        String summary = "mail " + number + ": at=" + Instant.now() + " from=<" + mail.envelopeSender() + "> to="
            + mail.recipients().stream().map(rcpt -> "<" + rcpt + ">").toList()
            + " auth=" + mail.authenticatedUser() + " tls=" + (mail.tlsActive() ? "yes" : "no")
            + " file=" + file.getFileName();
        Files.writeString(log, summary + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("---- " + summary);
        System.out.println(mail.content().stripTrailing());
        System.out.println("---- end of mail " + number);
        System.out.flush();
    }

    private static String required(String option, String value) {
        if (value == null) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
