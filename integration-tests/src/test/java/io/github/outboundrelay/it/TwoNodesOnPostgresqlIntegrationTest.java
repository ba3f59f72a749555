package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.store.jdbc.JdbcOutboundRelayStore;
import io.github.outboundrelay.store.jdbc.JdbcStoreConfiguration;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.RestartablePostgresql;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 5's end-to-end proof: two real James 3.8.1 servers (nodes A and B, memory flavour) booted from
 * {@code james-conf/}, whose {@code outbound-relay.properties} both name one real PostgreSQL, and which share the relay
 * secret key file (B starts with a copy of A's). Every admin write goes through node A's WebAdmin; what node B does is
 * read through B's own WebAdmin (its in-memory view, the one its matcher reads) and from the mail that really arrived
 * at the partner relay (STARTTLS + AUTH) or at B's own gateway.
 *
 * <p>The two tests run in order on the same deployment: the outage test stops and restarts PostgreSQL.
 *
 * <p>Propagation is timed in wall time, so each test makes several writes: Issue 5's {@link #BOUND} is asserted on the
 * median write (one stall of a loaded machine cannot decide it), and every single write must reach node B within
 * {@link #CEILING}, a few poll intervals' worth of slack, which a node that missed a change is far past.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodesOnPostgresqlIntegrationTest {
    /** Issue 5's goal for a change made on one node to be honoured by every node. */
    static final Duration BOUND = Duration.ofSeconds(1);
    /** Node B's poll of the change log: the shipped default, set explicitly in {@link #nodeConf}. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    /**
     * The most any one write may take from node A's answer (committed) to node B's WebAdmin showing it: a poll interval
     * plus slack for a loaded machine (a GC pause, a starved poller thread, the test's own HTTP polling). A node that
     * missed a change (caught at a later reload, or never) or polls far less often than configured is well past it.
     */
    static final Duration CEILING = POLL_INTERVAL.plus(Duration.ofSeconds(3));
    static final int EXTRA_FLIPS = 8;
    static final int FLIPS_AFTER_THE_OUTAGE = 4;

    static final String ALICE = "alice@" + OutboundRelayJames.DOMAIN;
    static final String SEND_AS = "alice@partner.test";
    static final String SECOND_SEND_AS = "alice.second@partner.test";
    static final String PARTNER_LOGIN = "alice@partner.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final String POLICY = "/outbound-relay/domains/" + OutboundRelayJames.DOMAIN;

    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
    static final SmtpPeer GATEWAY_A = SmtpPeer.builder().plain().start();
    static final SmtpPeer GATEWAY_B = SmtpPeer.builder().plain().start();

    @TempDir
    static Path temp;

    static RestartablePostgresql postgres;
    static JamesNode nodeA;
    static JamesNode nodeB;
    static RequestSpecification adminA;
    static RequestSpecification adminB;

    /** How long a write through node A took to show in node B's view. */
    record Propagation(String what, Duration sinceRequestSent, Duration sinceAnswered) {
    }

    @BeforeAll
    static void startDeployment() throws Exception {
        postgres = RestartablePostgresql.startNew(temp.resolve("postgresql"));
        nodeA = JamesNode.start("A", temp.resolve("node-a"), nodeConf(GATEWAY_A));
        // Deployment requirement: every node seals and opens relay passwords with the same key file.
        JamesNode.copySecretKeyFile(nodeA, temp.resolve("node-b"));
        nodeB = JamesNode.start("B", temp.resolve("node-b"), withoutJmx(nodeConf(GATEWAY_B)));
        assertThat(nodeB.secretKeyFile()).hasSameBinaryContentAs(nodeA.secretKeyFile());
        adminA = OutboundRelayJames.webAdmin(nodeA.server());
        adminB = OutboundRelayJames.webAdmin(nodeB.server());

        // Users and domains are per node in the memory flavour: the same on both.
        for (JamesNode node : List.of(nodeA, nodeB)) {
            DataProbeImpl data = node.server().getProbe(DataProbeImpl.class);
            if (!data.containsDomain(OutboundRelayJames.DOMAIN)) {
                data.addDomain(OutboundRelayJames.DOMAIN);
            }
            OutboundRelayJames.addUsers(node.server(), "alice");
        }

        // Once, through node A: the domain allowed (writes need it) and Alice's send-as address (the admin vouches).
        flipOnNodeA(true);
        new RelayScenario(nodeA.server()).registerSendAs(ALICE, SEND_AS, PARTNER, PARTNER_LOGIN, PARTNER_PASSWORD);
        Propagation registered = untilNodeBSees("send-as " + SEND_AS + " verified", System.nanoTime(), System.nanoTime(),
            admin -> sendAsStatus(admin, SEND_AS).equals("verified"));
        System.out.printf("TWO NODES: node B saw the send-as address registered on node A %d ms after A answered%n",
            registered.sinceAnswered().toMillis());
    }

    @AfterAll
    static void stopDeployment() {
        for (AutoCloseable closeable : new AutoCloseable[] {nodeB, nodeA, postgres, PARTNER, GATEWAY_A, GATEWAY_B}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("TWO NODES: cannot stop " + closeable + ": " + e);
            }
        }
    }

    @Test
    @Order(1)
    void policyFlipOnNodeAIsHonouredByNodeBsNextMailWithinTheBound() throws Exception {
        List<Propagation> flips = new ArrayList<>();

        flips.add(flipOnNodeA(false));
        String viaGateway = uniqueSubject();
        // Relaying off on node B too: the mail leaves through B's gateway on Alice's behalf (issue 22; was a 503).
        aliceSendsThroughNodeB(SEND_AS, viaGateway);
        assertThat(awaitAt(GATEWAY_B, viaGateway).envelopeSender()).isEqualTo(ALICE);

        flips.add(flipOnNodeA(true));
        String viaPartner = uniqueSubject();
        aliceSendsThroughNodeB(SEND_AS, viaPartner);
        ReceivedMail relayed = awaitAt(PARTNER, viaPartner);
        // Node B authenticated with the password node A sealed: the partner accepts only that one.
        assertThat(relayed.authenticatedUser()).isEqualTo(PARTNER_LOGIN);
        assertThat(relayed.tlsActive()).isTrue();
        assertThat(relayed.envelopeSender()).isEqualTo(SEND_AS);
        assertThat(new RelayScenario(nodeB.server()).auditedOutcomes(ALICE)).contains("DELIVERED");

        assertThat(subjectsAt(PARTNER)).doesNotContain(viaGateway);
        assertThat(subjectsAt(GATEWAY_B)).doesNotContain(viaPartner);
        assertThat(subjectsAt(GATEWAY_A)).doesNotContain(viaGateway, viaPartner);

        // More flips for the figure; the policy ends allowed.
        for (int flip = 0; flip < EXTRA_FLIPS; flip++) {
            flips.add(flipOnNodeA(flip % 2 == 1));
        }
        report("policy flips", flips);
        assertWithinTheBound(flips);
    }

    @Test
    @Order(2)
    void duringAPostgresqlOutageNodeBKeepsRelayingNodeAAnswers503AndNothingIsLost() throws Exception {
        flipOnNodeA(true);

        postgres.stop();

        // Writes through node A: 503, nothing in the answer about the database.
        long start = System.nanoTime();
        Response policyWrite = given().spec(adminA).body(Map.of("allowed", false)).put(POLICY);
        Response sendAsWrite = putSendAs(SECOND_SEND_AS);
        System.out.printf("TWO NODES: during the outage node A answered 503 to two writes in %d ms in all"
            + " (jdbc.connectionTimeout=1s); policy write answer: %s%n",
            Duration.ofNanos(System.nanoTime() - start).toMillis(), policyWrite.body().asString());
        for (Response refused : List.of(policyWrite, sendAsWrite)) {
            assertThat(refused.statusCode()).isEqualTo(503);
            assertRevealsNoDatabaseDetail(refused.body().asString());
        }
        // Neither view changed.
        assertThat(policyAllowed(adminA)).isTrue();
        assertThat(policyAllowed(adminB)).isTrue();
        assertThat(given().spec(adminA).get(sendAsPath(SECOND_SEND_AS)).statusCode()).isEqualTo(404);

        // Node B keeps relaying with its last known view (its polls have been failing since PostgreSQL stopped).
        String duringOutage = uniqueSubject();
        aliceSendsThroughNodeB(SEND_AS, duringOutage);
        assertThat(awaitAt(PARTNER, duringOutage).authenticatedUser()).isEqualTo(PARTNER_LOGIN);
        assertThat(subjectsAt(GATEWAY_B)).doesNotContain(duringOutage);

        // PostgreSQL comes back on the same data directory and port.
        postgres.start();
        long back = System.nanoTime();
        // The first write node A's store takes once its pool reconnected (the admin retries a 503).
        long secondSent;
        Response accepted;
        long deadline = back + Duration.ofSeconds(20).toNanos();
        do {
            sleep(20);
            secondSent = System.nanoTime();
            accepted = putSendAs(SECOND_SEND_AS);
        } while (accepted.statusCode() == 503 && System.nanoTime() < deadline);
        long secondAnswered = System.nanoTime();
        assertThat(accepted.statusCode()).as(accepted.body().asString()).isEqualTo(200);
        System.out.printf("TWO NODES: node A took writes again %d ms after PostgreSQL was started again%n",
            Duration.ofNanos(secondAnswered - back).toMillis());
        Propagation secondSeen = untilNodeBSees("send-as " + SECOND_SEND_AS + " verified (after the outage)", secondSent,
            secondAnswered, admin -> sendAsStatus(admin, SECOND_SEND_AS).equals("verified"));
        List<Propagation> afterTheOutage = new ArrayList<>(List.of(secondSeen));
        // Policy flips for the median; the policy ends off.
        for (int flip = 0; flip <= FLIPS_AFTER_THE_OUTAGE; flip++) {
            afterTheOutage.add(flipOnNodeA(flip % 2 == 1));
        }
        report("writes after the outage", afterTheOutage);
        assertWithinTheBound(afterTheOutage);

        // Nothing registered before the outage is lost: what a node starting now loads from PostgreSQL.
        try (JdbcOutboundRelayStore freshNode = JdbcOutboundRelayStore.open(new JdbcStoreConfiguration(postgres.jdbcUrl(),
            RestartablePostgresql.USER, RestartablePostgresql.PASSWORD, 4, Duration.ofMillis(200), Duration.ofSeconds(2)))) {
            List<SendAsAddress> stored = freshNode.sendAsRegistry().listOwnedBy(Username.of(ALICE));
            assertThat(stored).extracting(sendAs -> sendAs.address().asString())
                .containsExactlyInAnyOrder(SEND_AS, SECOND_SEND_AS);
            SendAsAddress first = freshNode.sendAsRegistry().find(new MailAddress(SEND_AS)).orElseThrow();
            assertThat(new SendAsVerifier(freshNode.verifications()).isVerified(first)).isTrue();
            assertThat(freshNode.domainRelayPolicies().isRelayAllowed(Domain.of(OutboundRelayJames.DOMAIN))).isFalse();
        }

        // And both addresses relay through node B once the policy is on again.
        flipOnNodeA(true);
        String beforeOutageAddress = uniqueSubject();
        String afterOutageAddress = uniqueSubject();
        aliceSendsThroughNodeB(SEND_AS, beforeOutageAddress);
        aliceSendsThroughNodeB(SECOND_SEND_AS, afterOutageAddress);
        assertThat(awaitAt(PARTNER, beforeOutageAddress).envelopeSender()).isEqualTo(SEND_AS);
        assertThat(awaitAt(PARTNER, afterOutageAddress).envelopeSender()).isEqualTo(SECOND_SEND_AS);
        assertThat(subjectsAt(GATEWAY_B)).doesNotContain(beforeOutageAddress, afterOutageAddress);
    }

    /** A node's james-conf: its own gateway, the test CA for relays, and the shared PostgreSQL. */
    private static JamesConfFolder nodeConf(SmtpPeer gateway) {
        return JamesConfFolder.shipped()
            .withGateway(gateway)
            .trustingTestRelays()
            .edit("outbound-relay.properties", "\n#jdbc.url=\n", "\njdbc.url=" + postgres.jdbcUrl() + "\n")
            .edit("outbound-relay.properties", "\n#jdbc.username=\n", "\njdbc.username=" + RestartablePostgresql.USER + "\n")
            .edit("outbound-relay.properties", "\n#jdbc.password=\n", "\njdbc.password=" + RestartablePostgresql.PASSWORD + "\n")
            // the default (5 s) would make each refused write of the outage test wait 5 s
            .edit("outbound-relay.properties", "\n#jdbc.connectionTimeout=5s", "\njdbc.connectionTimeout=1s")
            // the shipped default, which the bound is about: set here so that CEILING follows the configured value
            .edit("outbound-relay.properties", "\n#jdbc.pollInterval=200ms", "\njdbc.pollInterval=" + POLL_INTERVAL.toMillis() + "ms");
    }

    /**
     * Issue 5's bound on the median write, from node A's request sent (as an admin counts); and every write, from node
     * A's answer, within {@link #CEILING}: node B honoured each change at its next polls, none at a later reload.
     */
    private static void assertWithinTheBound(List<Propagation> writes) {
        List<Duration> sinceSent = writes.stream().map(Propagation::sinceRequestSent).sorted().toList();
        assertThat(median(sinceSent)).as("median of %s", writes).isLessThan(BOUND);
        assertThat(writes).allSatisfy(write -> assertThat(write.sinceAnswered()).as(write.what()).isLessThan(CEILING));
    }

    /**
     * Two James in one JVM would register the same MBeans: node B's mailet container registers none and its protocol
     * servers register under names of their own (JMX's port is off for every test James, see JamesConfFolder). Each node of a real
     * deployment is a JVM of its own and keeps the shipped setting.
     */
    private static JamesConfFolder withoutJmx(JamesConfFolder conf) {
        return conf
            .edit("mailetcontainer.xml", "enableJmx=\"true\"", "enableJmx=\"false\"")
            .edit("mailetcontainer.xml", "<processors>", "<processors enableJmx=\"false\">")
            .edit("smtpserver.xml", "<jmxName>", "<jmxName>node-b-")
            .edit("imapserver.xml", "<jmxName>", "<jmxName>node-b-")
            .edit("pop3server.xml", "<jmxName>", "<jmxName>node-b-")
            .edit("managesieveserver.xml", "<jmxName>", "<jmxName>node-b-");
    }

    private static Propagation flipOnNodeA(boolean allowed) {
        long sent = System.nanoTime();
        given().spec(adminA).body(Map.of("allowed", allowed)).put(POLICY).then().statusCode(200);
        long answered = System.nanoTime();
        return untilNodeBSees("policy allowed=" + allowed, sent, answered, admin -> policyAllowed(admin) == allowed);
    }

    /** Polls node B's WebAdmin (every 5 ms) until {@code seen} holds there. */
    private static Propagation untilNodeBSees(String what, long sent, long answered,
                                              Function<RequestSpecification, Boolean> seen) {
        long deadline = answered + Duration.ofSeconds(10).toNanos();
        while (!seen.apply(adminB)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node B did not see " + what + " within 10 s");
            }
            sleep(5);
        }
        long now = System.nanoTime();
        return new Propagation(what, Duration.ofNanos(now - sent), Duration.ofNanos(now - answered));
    }

    private static boolean policyAllowed(RequestSpecification admin) {
        return given().spec(admin).get(POLICY).then().statusCode(200).extract().jsonPath().getBoolean("allowed");
    }

    private static String sendAsStatus(RequestSpecification admin, String address) {
        Response response = given().spec(admin).get(sendAsPath(address));
        return response.statusCode() == 200 ? response.jsonPath().getString("status") : "absent (" + response.statusCode() + ")";
    }

    private static String sendAsPath(String address) {
        return "/outbound-relay/users/" + ALICE + "/send-as/" + address;
    }

    private static Response putSendAs(String address) {
        return given().spec(adminA)
            .body(Map.of("host", "localhost", "port", PARTNER.port(), "security", "STARTTLS",
                "username", PARTNER_LOGIN, "password", PARTNER_PASSWORD, "verified", true))
            .put(sendAsPath(address));
    }

    private static void assertRevealsNoDatabaseDetail(String answer) {
        assertThat(answer)
            .doesNotContain(postgres.jdbcUrl())
            .doesNotContainIgnoringCase("jdbc:")
            .doesNotContainIgnoringCase("postgresql")
            .doesNotContain("localhost:" + postgres.port())
            .doesNotContain(RestartablePostgresql.DATABASE)
            .doesNotContain(RestartablePostgresql.PASSWORD);
    }

    private static void aliceSendsThroughNodeB(String sendAs, String subject) throws Exception {
        SmtpSubmission.to(OutboundRelayJames.submissionPort(nodeB.server()))
            .authenticatedAs(ALICE, OutboundRelayJames.PASSWORD)
            .envelopeFrom(sendAs)
            .fromHeader(sendAs)
            .subject(subject)
            .send();
    }

    private static void report(String what, List<Propagation> propagations) {
        List<Duration> sinceSent = propagations.stream().map(Propagation::sinceRequestSent).sorted().toList();
        List<Duration> sinceAnswered = propagations.stream().map(Propagation::sinceAnswered).sorted().toList();
        System.out.printf("TWO NODES: %s through node A seen by node B's WebAdmin (%d writes, shipped jdbc.pollInterval):"
                + " from A's request sent median %d ms, max %d ms; from A's answer median %d ms, max %d ms; bound %d ms (median),"
                + " ceiling %d ms (each)%n",
            what, propagations.size(), median(sinceSent).toMillis(), max(sinceSent).toMillis(),
            median(sinceAnswered).toMillis(), max(sinceAnswered).toMillis(), BOUND.toMillis(), CEILING.toMillis());
        propagations.forEach(propagation -> System.out.printf("TWO NODES:   %s: %d ms (%d ms after A answered)%n",
            propagation.what(), propagation.sinceRequestSent().toMillis(), propagation.sinceAnswered().toMillis()));
    }

    private static Duration median(List<Duration> sorted) {
        return sorted.get(sorted.size() / 2);
    }

    private static Duration max(List<Duration> durations) {
        return durations.stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
