package io.github.outboundrelay.server;

import static io.github.outboundrelay.server.AliceAndHerPartner.ALICE;
import static io.github.outboundrelay.server.AliceAndHerPartner.ALICE_PASSWORD;
import static io.github.outboundrelay.server.AliceAndHerPartner.PARTNER_LOGIN;
import static io.github.outboundrelay.server.AliceAndHerPartner.PARTNER_PASSWORD;
import static io.github.outboundrelay.server.AliceAndHerPartner.SEND_AS;
import static io.github.outboundrelay.server.AliceAndHerPartner.SEND_AS_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.RestartablePostgresql;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.StandaloneActiveMQ;

/**
 * Issue 25, item 4: three servers of {@code ./run}, each a JVM of its own, on one PostgreSQL (the extension's store,
 * hence the sending limit) and one standalone ActiveMQ broker (every MailQueue). Alice's relay mail, submitted through
 * all three, waits for her partner relay, which is down; the node it was submitted to is not the one that delivers it:
 * one node is killed with SIGKILL between two attempts, the partner comes up, and the two survivors deliver every mail
 * exactly once, none before its retry time. The per-user limit counts what every node relayed: past it, each node
 * refuses (a DSN to Alice, nothing to the partner).
 */
@Tag("slow")
class ThreeNodesKillNineTest {
    /**
     * Constant (maxRetryDelay too): long enough for the kill and the partner's start to fall within it, so that a mail
     * attempted before its time would reach the partner and fail the test; James's ActiveMQ queue hands a delayed mail
     * out at most about 10 s after it is due.
     */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(15);
    /** How early an attempt may come: the relay queue's hold of early mail ({@code earlyMailHold}, james-conf: 1 s). */
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** {@code maxRelayedPerUser}: Alice's first mails reach it, each later one is refused, whichever node takes it. */
    private static final int LIMIT = 8;
    /** Two cold JVMs booting James at once on a shared 2-core machine: more room than one gets. */
    private static final Duration NODE_START_TIMEOUT = ServerProcesses.START_TIMEOUT.multipliedBy(3);
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>]+>)");
    private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (.*)$");

    @TempDir
    static Path shared;
    static RestartablePostgresql postgres;
    static StandaloneActiveMQ broker;

    @TempDir
    Path nodesDirectory;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    private SmtpPeer partner;

    @BeforeAll
    static void sharedServices() {
        postgres = RestartablePostgresql.startNew(shared.resolve("postgresql"));
        broker = StandaloneActiveMQ.startNew(shared.resolve("activemq"));
    }

    @AfterAll
    static void stopSharedServices() {
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void stopPartner() {
        if (partner != null) {
            partner.close();
        }
    }

    @Test
    void relayMailOutlivesAKilledNodeAndIsDeliveredOnceByTheOthersNotBeforeItsRetryTime() throws Exception {
        int partnerPort = SmtpPeer.freePort(); // nothing listens there until the partner comes up
        RunNode first = launch("node-1");
        // Every node seals and opens relay passwords with the same key file, copied before it first starts; node-1
        // writes its own early in its start (atomically), so the others boot while it finishes.
        Path keyFile = Path.of("var/outbound-relay/relay-secrets.key");
        await("node-1's key file", NODE_START_TIMEOUT, () -> Files.exists(nodesDirectory.resolve("node-1").resolve(keyFile)),
            () -> first.process().logTail());
        for (String name : List.of("node-2", "node-3")) {
            Files.createDirectories(nodesDirectory.resolve(name).resolve(keyFile).getParent());
            Files.copy(nodesDirectory.resolve("node-1").resolve(keyFile), nodesDirectory.resolve(name).resolve(keyFile));
        }
        RunNode second = launch("node-2");
        RunNode third = launch("node-3");
        List<RunNode> nodes = List.of(first, second, third);

        // James's users are each node's own (./run keeps them in the node's Derby): Alice exists on every node before
        // her address does, or a node's DeletedUserSweep, which runs at start, would remove it from the shared store.
        for (RunNode node : nodes) {
            node.process().awaitStarted(NODE_START_TIMEOUT);
            node.webAdmin().put("/users/" + ALICE, "{\"password\":\"" + ALICE_PASSWORD + "\"}", 204);
        }
        // Shared through PostgreSQL: the policy and the address, written once.
        first.webAdmin().put("/outbound-relay/domains/ourdomain.test", "{\"allowed\":true}", 200);
        first.webAdmin().put(SEND_AS_PATH, AliceAndHerPartner.vouchedRelayOn(partnerPort), 200);
        for (RunNode node : List.of(second, third)) {
            await(node.name() + " sees the address registered through node-1", Duration.ofSeconds(30),
                () -> node.getOrEmpty(SEND_AS_PATH).contains("\"status\":\"verified\""),
                () -> node.webAdmin().get(SEND_AS_PATH).body() + "\n" + node.process().logTail());
        }

        // The limit's worth of mail, spread over the three nodes: each one tried once and deferred (partner down).
        List<String> admitted = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            admitted.add(submit(nodes.get(i % 3), "three nodes " + i));
        }
        await("a first attempt of each mail in the shared audit trail", Duration.ofSeconds(60),
            () -> firstFailures(first).size() == LIMIT);
        Map<String, Instant> firstFailure = firstFailures(first);

        // Past the limit on every node: counted in PostgreSQL, so each is refused though each node relayed fewer.
        List<String> refused = new ArrayList<>();
        for (RunNode node : nodes) {
            refused.add(submit(node, "over the limit via " + node.name()));
        }
        String refusal = "rate limit of " + LIMIT + " relayed recipients per PT1H reached";
        await("each mail past the limit refused", Duration.ofSeconds(60),
            () -> nodes.stream().mapToLong(node -> occurrences(node.process().log(), refusal)).sum() == refused.size());
        await("a DSN for each refused mail in Alice's mailbox (on the node that bounced it)", Duration.ofSeconds(60),
            () -> nodes.stream().mapToInt(node -> node.inboxMessagesContaining(ALICE, ALICE_PASSWORD, "Sending limit reached")).sum()
                == refused.size());

        // Between two attempts, with all the mail waiting in the broker: kill -9 the node that took a third of it.
        assertThat(second.process().killHard()).as("exit status of SIGKILL").isEqualTo(137);
        partner = SmtpPeer.builder().onPort(partnerPort).requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();

        Map<String, Instant> arrivals = awaitArrivals(LIMIT, RETRY_DELAY.plus(Duration.ofSeconds(60)), first, third);
        Thread.sleep(2000); // room for a duplicate to show up
        List<ReceivedMail> received = partner.received();
        assertThat(received).as("every mail delivered exactly once").hasSize(LIMIT);
        assertThat(received).extracting(mail -> field(SUBJECT, mail.content())).containsExactlyInAnyOrderElementsOf(admitted);
        assertThat(arrivals.keySet()).as("Message-IDs at the partner").hasSize(LIMIT)
            .containsExactlyInAnyOrderElementsOf(firstFailure.keySet());

        // Not before its retry time: neither at the partner nor in any attempt the nodes recorded.
        System.out.println("ThreeNodesKillNineTest: arrival minus (first failure + retry delay), per mail, ms: "
            + arrivals.entrySet().stream().map(arrival -> Duration.between(firstFailure.get(arrival.getKey()).plus(RETRY_DELAY),
                arrival.getValue()).toMillis()).sorted().toList());
        arrivals.forEach((messageId, arrival) -> assertThat(arrival)
            .as("arrival of %s, first deferred at %s", messageId, firstFailure.get(messageId))
            .isAfterOrEqualTo(firstFailure.get(messageId).plus(RETRY_DELAY).minus(POLL_INTERVAL)));
        first.relayAttemptsByMessageId(ALICE).forEach((messageId, attempts) -> {
            assertThat(attempts).as("attempts of %s", messageId).extracting(attempt -> attempt.get("outcome").asText())
                .last().isEqualTo("DELIVERED");
            for (int i = 1; i < attempts.size(); i++) {
                assertThat(Duration.between(RunNode.at(attempts.get(i - 1)), RunNode.at(attempts.get(i))))
                    .as("time between attempts %d and %d of %s", i, i + 1, messageId)
                    .isGreaterThanOrEqualTo(RETRY_DELAY.minus(POLL_INTERVAL));
            }
        });

        // By the survivors, once each; nothing left in the shared relay queue.
        for (String messageId : arrivals.keySet()) {
            String delivered = "Outbound relay delivered mail ";
            long bySurvivors = Stream.of(first, third)
                .flatMap(node -> node.process().log().lines())
                .filter(line -> line.contains(delivered) && line.contains("(Message-ID " + messageId + ")"))
                .count();
            assertThat(bySurvivors).as("deliveries of %s logged by node-1 and node-3", messageId).isEqualTo(1);
        }
        assertThat(second.process().log()).doesNotContain("Outbound relay delivered mail ");
        await("the shared relay queue empty", Duration.ofSeconds(20), () -> third.queueSize("outbound-relay") == 0);
    }

    private RunNode launch(String name) throws IOException {
        RunPorts ports = RunPorts.free();
        Path workingDirectory = nodesDirectory.resolve(name);
        ports.confWithTestRelays(RETRY_DELAY)
            .edit("mailetcontainer.xml", "<maxRelayedPerUser>500</maxRelayedPerUser>", "<maxRelayedPerUser>" + LIMIT + "</maxRelayedPerUser>")
            .edit("outbound-relay.properties", "\n#jdbc.url=\n", "\njdbc.url=" + postgres.jdbcUrl() + "\n")
            .edit("outbound-relay.properties", "\n#jdbc.username=\n", "\njdbc.username=" + RestartablePostgresql.USER + "\n")
            .edit("outbound-relay.properties", "\n#jdbc.password=\n", "\njdbc.password=" + RestartablePostgresql.PASSWORD + "\n")
            .edit("outbound-relay.properties", "\n#queue.broker.url=\n", "\nqueue.broker.url=" + broker.url() + "\n")
            .edit("outbound-relay.properties", "\n#queue.broker.username=\n", "\nqueue.broker.username=" + StandaloneActiveMQ.USER + "\n")
            .edit("outbound-relay.properties", "\n#queue.broker.password=\n", "\nqueue.broker.password=" + StandaloneActiveMQ.PASSWORD + "\n")
            .writeInto(workingDirectory);
        return new RunNode(name, servers.launch(workingDirectory, name), ports, new WebAdminClient(ports.webAdmin()));
    }

    /** Submits a mail from Alice's send-as address through the node; returns its subject. */
    private static String submit(RunNode node, String label) throws Exception {
        String subject = label + " " + UUID.randomUUID();
        AliceAndHerPartner.submit(node.ports().submission(), subject);
        return subject;
    }

    /** Message-ID to the time the partner was first seen holding it; fails naming the nodes' logs if it takes too long. */
    private Map<String, Instant> awaitArrivals(int count, Duration timeout, RunNode... survivors) throws InterruptedException {
        Map<String, Instant> arrivals = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (arrivals.size() < count) {
            Instant now = Instant.now();
            for (ReceivedMail mail : partner.received()) {
                arrivals.putIfAbsent(field(MESSAGE_ID, mail.content()), now);
            }
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (RunNode node : survivors) {
                    logs.append("\n--- ").append(node.name()).append(":\n").append(node.process().logTail());
                }
                throw new AssertionError("The partner received " + arrivals.size() + " of " + count + " mails within " + timeout + logs);
            }
            Thread.sleep(50);
        }
        return arrivals;
    }

    /** Message-ID to the time of its first attempt, for each mail attempted and not delivered at that attempt. */
    private static Map<String, Instant> firstFailures(RunNode node) throws Exception {
        Map<String, Instant> firstFailures = new HashMap<>();
        node.relayAttemptsByMessageId(ALICE).forEach((messageId, attempts) -> {
            if (!attempts.get(0).get("outcome").asText().equals("DELIVERED")) {
                firstFailures.put(messageId, RunNode.at(attempts.get(0)));
            }
        });
        return firstFailures;
    }

    private static String field(Pattern pattern, String content) {
        Matcher matcher = pattern.matcher(content);
        assertThat(matcher.find()).as("%s in:\n%s", pattern, content).isTrue();
        return matcher.group(1).trim();
    }

    private static long occurrences(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        await(what, timeout, check, () -> "");
    }

    private static void await(String what, Duration timeout, Check check, Diagnostic diagnostic) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + timeout + ": " + what + "\n" + diagnostic.describe());
            }
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    @FunctionalInterface
    private interface Diagnostic {
        String describe() throws Exception;
    }
}
