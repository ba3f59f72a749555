package io.github.outboundrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MX listener (port 25, 2525 in james-conf) has no TLS and no {@code verifyIdentity}: a user who could
 * authenticate there would send their password in clear, and their mail would leave without the identity check of the
 * submission listener. James 3.8.1 accepts AUTH PLAIN and LOGIN whatever {@code announce} says, so james-conf turns
 * them off there ({@code plainAuthEnabled=false}); users authenticate on the submission listener only.
 */
class MtaListenerRefusesAuthIntegrationTest {
    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped());

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
    }

    @Test
    void theMxListenerRefusesAuthPlainAndLoginWithValidCredentials(GuiceJamesServer server) throws Exception {
        String credentials = Base64.getEncoder().encodeToString(
            ("\0alice@ourdomain.test\0" + OutboundRelayJames.PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (Socket socket = new Socket("127.0.0.1", OutboundRelayJames.smtpPort(server))) {
            Dialogue smtp = new Dialogue(socket);
            assertThat(smtp.reply()).startsWith("220");
            List<String> ehlo = smtp.command("EHLO client.test");
            assertThat(ehlo).last().asString().startsWith("250 ");
            assertThat(ehlo).noneMatch(line -> line.toUpperCase().contains("AUTH"));

            assertThat(smtp.command("AUTH PLAIN " + credentials)).last().asString().startsWith("5");
            assertThat(smtp.command("AUTH LOGIN")).last().asString().startsWith("5");
            // Still unauthenticated: a send-as MAIL FROM is only taken on the submission listener, after AUTH.
            assertThat(smtp.command("QUIT")).last().asString().startsWith("221");
        }
    }

    /** A line-based SMTP client: enough to read multi-line replies. */
    private static final class Dialogue {
        private final BufferedReader in;
        private final OutputStream out;

        Dialogue(Socket socket) throws Exception {
            socket.setSoTimeout(10_000);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        List<String> command(String line) throws Exception {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return replyLines();
        }

        String reply() throws Exception {
            List<String> lines = replyLines();
            return lines.get(lines.size() - 1);
        }

        private List<String> replyLines() throws Exception {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IllegalStateException("Connection closed after " + lines);
                }
                lines.add(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            return lines;
        }
    }
}
