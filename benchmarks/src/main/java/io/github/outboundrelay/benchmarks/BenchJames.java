package io.github.outboundrelay.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;

import io.github.outboundrelay.testing.JamesConfCopy;

/**
 * A real James 3.8.1 memory server booted from the shipped {@code james-conf/}, as the integration tests boot it, with
 * the few edits a benchmark needs: ephemeral ports, the stock path's gateway pointed at a sink (with STARTTLS and AUTH,
 * like the relays), and the test CA on the relay mailet. Each edit must find its text, so the benchmark breaks loudly
 * when james-conf drifts.
 */
final class BenchJames implements AutoCloseable {
    static final String DOMAIN = "ourdomain.test";
    static final String PASSWORD = "user-secret";

    private final GuiceJamesServer server;
    private final Path workingDirectory;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String webAdmin;
    private boolean vouching = true;

    private BenchJames(GuiceJamesServer server, Path workingDirectory) {
        this.server = server;
        this.workingDirectory = workingDirectory;
        this.webAdmin = "http://127.0.0.1:" + server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    /**
     * @param gateway the sink RemoteDelivery's gateway points at (STARTTLS + AUTH with {@code gatewayLogin})
     */
    static BenchJames boot(BenchSink gateway, String gatewayLogin, String gatewayPassword, String trustStore,
                           String trustStorePassword, BenchmarkSettings settings) throws Exception {
        return boot(gateway, gatewayLogin, gatewayPassword, trustStore, trustStorePassword, settings,
            MemoryJamesServerMain::createServer, List.of());
    }

    /**
     * As above, the server built by {@code flavour} (James's memory server, or {@code ./run}'s
     * OutboundRelayServerMain), with {@code moreEdits} ({file, from, to}) to james-conf.
     */
    static BenchJames boot(BenchSink gateway, String gatewayLogin, String gatewayPassword, String trustStore,
                           String trustStorePassword, BenchmarkSettings settings,
                           Function<MemoryJamesConfiguration, GuiceJamesServer> flavour, List<String[]> moreEdits) throws Exception {
        Path workingDirectory = Files.createTempDirectory("outbound-relay-bench-james");
        List<String[]> edits = new ArrayList<>();
        edits.add(new String[] {"smtpserver.xml", "<bind>127.0.0.1:2525</bind>", "<bind>127.0.0.1:0</bind>"});
        edits.add(new String[] {"smtpserver.xml", "<bind>127.0.0.1:2587</bind>", "<bind>127.0.0.1:0</bind>"});
        edits.add(new String[] {"imapserver.xml", "<bind>127.0.0.1:1143</bind>", "<bind>127.0.0.1:0</bind>"});
        edits.add(new String[] {"webadmin.properties", "port=8000", "port=0"});
        // Baseline A: the stock RemoteDelivery, to a gateway that requires STARTTLS and AUTH like the relays do, with the
        // same certificate checks (chain: the test CA only for that host; name: the certificate is for localhost).
        edits.add(new String[] {"mailetcontainer.xml", "<gateway>127.0.0.1</gateway>", "<gateway>localhost</gateway>"});
        edits.add(new String[] {"mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + gateway.port()
            + "</gatewayPort><gatewayUsername>" + gatewayLogin + "</gatewayUsername><gatewayPassword>" + gatewayPassword
            + "</gatewayPassword><startTLS>true</startTLS><mail.smtp.starttls.required>true</mail.smtp.starttls.required>"
            + "<mail.smtp.ssl.trust>localhost</mail.smtp.ssl.trust>"});
        // The relay mailet must trust the sinks' test CA (what an admin does for a private CA).
        edits.add(new String[] {"outbound-relay.properties", "\n#relay.trustStore=/path/to/relays.p12\n#relay.trustStorePassword=\n",
            "\nrelay.trustStore=" + trustStore + "\nrelay.trustStorePassword=" + trustStorePassword + "\n"});
        // Its relay target guard must let it reach the sinks: localhost, on ephemeral ports.
        edits.add(new String[] {"outbound-relay.properties", "\nrelay.allowedPorts=25,465,587,2525\n",
            "\nrelay.allowedPorts=1024-65535\nrelay.allowedHosts=localhost\n"});
        // A benchmark sends far more than a user's hourly allowance (500 by default): the limit is not what is measured.
        edits.add(new String[] {"mailetcontainer.xml", "<maxRelayedPerUser>500</maxRelayedPerUser>",
            "<maxRelayedPerUser>off</maxRelayedPerUser>"});
        if (!settings.shippedOpenConnectionsPerRelay()) {
            // A variant run, reported as such: a partner relay that admits another number of connections from us.
            edits.add(new String[] {"mailetcontainer.xml", "<maxOpenConnectionsPerRelay>100</maxOpenConnectionsPerRelay>",
                "<maxOpenConnectionsPerRelay>" + settings.maxOpenConnectionsPerRelay() + "</maxOpenConnectionsPerRelay>"});
        }
        edits.addAll(moreEdits);
        writeConf(workingDirectory, edits);
        GuiceJamesServer server = flavour.apply(MemoryJamesConfiguration.builder()
            .workingDirectory(workingDirectory.toFile())
            .build());
        server.start();
        return new BenchJames(server, workingDirectory);
    }

    private static void writeConf(Path workingDirectory, List<String[]> edits) {
        JamesConfCopy conf = JamesConfCopy.shipped();
        edits.forEach(edit -> conf.edit(edit[0], edit[1], edit[2]));
        conf.writeInto(workingDirectory);
    }

    int submissionPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpStartTlsPort().getValue();
    }

    void addUser(String localPart) throws Exception {
        server.getProbe(DataProbeImpl.class).addUser(localPart + "@" + DOMAIN, PASSWORD);
    }

    void allowDomain(boolean allowed) {
        put("/outbound-relay/domains/" + DOMAIN, "{\"allowed\": " + allowed + "}");
    }

    /** Registers (or re-points) {@code address} of {@code user} to {@code relay} on localhost, STARTTLS + AUTH. */
    void registerSendAs(String user, String address, BenchSink relay, String login, String password) {
        String path = "/outbound-relay/users/" + user + "/send-as/" + address;
        String fields = "\"host\":\"localhost\",\"port\":" + relay.port() + ",\"security\":\"STARTTLS\",\"username\":\""
            + login + "\",\"password\":\"" + password + "\"";
        if (vouching) {
            // The admin vouches for the address: no confirmation code round trip before it may relay.
            HttpResponse<String> response = send(path, "{" + fields + ",\"verified\":true}");
            if (response.statusCode() / 100 == 2) {
                return;
            }
            if (response.statusCode() != 400 || !response.body().contains("verified")) {
                throw new IllegalStateException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            // A WebAdmin that predates send-as verification.
            vouching = false;
        }
        put(path, "{" + fields + "}");
    }

    private void put(String path, String json) {
        HttpResponse<String> response = send(path, json);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private HttpResponse<String> send(String path, String json) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(webAdmin + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        try (Stream<Path> paths = Files.walk(workingDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
