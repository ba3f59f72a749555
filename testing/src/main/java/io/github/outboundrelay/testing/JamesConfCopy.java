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
 */
public final class JamesConfCopy {
    private record Edit(String file, String from, String to) {
    }

    private static final String SELF_SERVICE = "outbound-relay-selfservice.properties";
    private static final String SELF_SERVICE_PORT = "port=8443";
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
}
