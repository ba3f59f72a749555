package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.net.imap.IMAPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: James's users, domains and aliases under ./run survive a restart ({@link PersistentUsersModule}): a
 * domain, a user and an alias created through WebAdmin are there after the server is stopped (SIGTERM, as Ctrl-C
 * stops ./run) and started again on the same working directory, and the user signs in over IMAP with the password set
 * before.
 */
class UsersSurviveRestartTest {
    private static final String DOMAIN = "elsewhere.test";
    private static final String BOB = "bob@" + DOMAIN;
    private static final String PASSWORD = "bob-secret";
    private static final String ALIAS = "robert@" + DOMAIN;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path workingDirectory;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void aUserCreatedThroughWebAdminSignsInOverImapAfterARestart() throws Exception {
        RunPorts ports = RunPorts.free();
        ports.conf().writeInto(workingDirectory);
        WebAdminClient webAdmin = new WebAdminClient(ports.webAdmin());

        ServerProcess james = servers.start(workingDirectory, "first-run");
        webAdmin.put("/domains/" + DOMAIN, null, 204);
        webAdmin.put("/users/" + BOB, "{\"password\":\"" + PASSWORD + "\"}", 204);
        webAdmin.put("/address/aliases/" + BOB + "/sources/" + ALIAS, null, 204);
        assertThat(imapLogin(ports.imap(), BOB, PASSWORD)).as("IMAP LOGIN before the restart").isTrue();
        james.stop(STOP_TIMEOUT);

        james = servers.start(workingDirectory, "second-run");
        assertThat(webAdmin.get("/domains/" + DOMAIN).statusCode()).as("GET /domains/" + DOMAIN).isEqualTo(204);
        assertThat(webAdmin.get("/users").body()).contains("\"" + BOB + "\"");
        assertThat(webAdmin.get("/address/aliases/" + BOB).body()).contains("\"" + ALIAS + "\"");
        assertThat(imapLogin(ports.imap(), BOB, PASSWORD)).as("IMAP LOGIN after the restart").isTrue();
        assertThat(imapLogin(ports.imap(), BOB, "not-" + PASSWORD)).as("IMAP LOGIN with a wrong password").isFalse();
    }

    private static boolean imapLogin(int port, String user, String password) throws IOException {
        IMAPClient imap = new IMAPClient();
        imap.connect("127.0.0.1", port);
        try {
            return imap.login(user, password);
        } finally {
            imap.disconnect();
        }
    }
}
