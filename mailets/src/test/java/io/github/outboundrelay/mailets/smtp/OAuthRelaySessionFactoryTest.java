package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.apache.james.metrics.tests.RecordingMetricFactory;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthFixtures;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.testing.OAuthTestServerExtension;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * SMTP AUTH XOAUTH2 / OAUTHBEARER against the partner peer that validates each bearer token (signature against the
 * real authorization server's JWKS, issuer, audience, expiry, account), with tokens the real server issued through
 * the code flow and refreshes.
 */
class OAuthRelaySessionFactoryTest {
    private static final String ALICE = "alice@partner.test";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension(ALICE);

    private final OAuthTokenClient client = OAuthFixtures.client(Clock.systemUTC());
    private final AccessTokenCache cache = new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN);
    private final PasswordFingerprints fingerprints = new PasswordFingerprints();
    private OAuthRelaySessionFactory factory;
    private SmtpPeer peer;
    private OAuthFixtures.MemoryGrant grant;

    @BeforeEach
    void connectAccount() throws Exception {
        factory = new OAuthRelaySessionFactory(new RelaySessionFactory(RelayPeers.testRules(), RelayPeers.loopbackTargets()),
            cache);
        OAuthProvider provider = OAuthFixtures.provider(OAUTH.server());
        grant = new OAuthFixtures.MemoryGrant(ALICE, provider,
            OAuthFixtures.connect(OAUTH.server(), client, provider).refreshToken().orElseThrow());
    }

    @AfterEach
    void stopPeer() {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void xoauth2RelayGetsTheMailFromTheAccount() throws Exception {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("XOAUTH2")).start();
        send(open());

        ReceivedMail mail = peer.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(mail.authenticatedUser()).isEqualTo(ALICE);
        assertThat(mail.tlsActive()).isTrue();
        assertThat(mail.envelopeSender()).isEqualTo(ALICE);
        assertThat(peer.authMechanismsAccepted()).containsExactly("XOAUTH2");
    }

    @Test
    void oauthBearerRelayGetsTheMail() throws Exception {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("OAUTHBEARER")).start();
        send(open());

        assertThat(peer.awaitMessages(1, Duration.ofSeconds(5)).get(0).authenticatedUser()).isEqualTo(ALICE);
        assertThat(peer.authMechanismsAccepted()).containsExactly("OAUTHBEARER");
    }

    @Test
    void relayAnnouncingBothGetsOauthBearer() throws Exception {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator()).start();
        send(open());
        assertThat(peer.authMechanismsAccepted()).containsExactly("OAUTHBEARER");
    }

    @Test
    void aCachedTokenTheRelayRefusesIsReplacedByAFreshOneOnTheSameConnection() throws Exception {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("XOAUTH2")).start();
        OAUTH.server().signInAs("bob@partner.test");
        cache.get(grant); // a token the relay will refuse (issued for another account), cached and not expired
        OAUTH.server().signInAs(ALICE);
        int refreshes = OAUTH.server().tokensIssued("refresh_token");

        send(open());

        assertThat(peer.tokenRefusals()).singleElement().asString().contains("another account");
        assertThat(peer.authMechanismsAccepted()).containsExactly("XOAUTH2");
        assertThat(peer.connectionCount()).isEqualTo(1);
        assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(refreshes + 1);
        assertThat(peer.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void relayRefusingAFreshTokenIsRefusedCredentials() {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("XOAUTH2")).start();
        OAUTH.server().signInAs("bob@partner.test");

        assertThatThrownBy(this::open).isInstanceOfSatisfying(RelayConnectException.class, e -> {
            assertThat(e.outcome().kind()).isEqualTo(io.github.outboundrelay.core.RelayOutcome.Kind.AUTH_REJECTED);
            assertThat(e.getMessage()).contains("refused a fresh OAuth token").contains("535");
        });
        assertThat(peer.tokenRefusals()).hasSize(2);
    }

    @Test
    void revokedGrantIsRefusedCredentialsWithoutConnecting() {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator()).start();
        OAUTH.server().revokeGrants(true);

        assertThatThrownBy(this::open).isInstanceOfSatisfying(RelayConnectException.class, e -> {
            assertThat(e.outcome().kind()).isEqualTo(io.github.outboundrelay.core.RelayOutcome.Kind.AUTH_REJECTED);
            assertThat(e.getMessage()).contains("connected again");
        });
        assertThat(peer.connectionCount()).isZero();
    }

    @Test
    void tokenEndpointOutageIsUnavailableWithoutConnecting() {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator()).start();
        OAUTH.server().failTokenRequests(true);

        assertThatThrownBy(this::open).isInstanceOfSatisfying(RelayConnectException.class,
            e -> assertThat(e.outcome().kind()).isEqualTo(io.github.outboundrelay.core.RelayOutcome.Kind.UNREACHABLE));
        assertThat(peer.connectionCount()).isZero();
    }

    @Test
    void relayWithoutOAuthMechanismsIsUnavailable() {
        peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE, "password").start();

        assertThatThrownBy(this::open).isInstanceOfSatisfying(RelayConnectException.class, e -> {
            assertThat(e.outcome().kind()).isEqualTo(io.github.outboundrelay.core.RelayOutcome.Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("neither AUTH XOAUTH2 nor OAUTHBEARER");
        });
    }

    @Test
    void pooledSessionsKeepWorkingAfterTheirTokenExpiredAndNewOnesGetARefreshedToken() throws Exception {
        peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("XOAUTH2")).start();
        OAUTH.server().accessTokensLastSeconds(4);
        AccessTokenCache shortLived = new AccessTokenCache(client, Clock.systemUTC(), Duration.ofSeconds(1));
        factory = new OAuthRelaySessionFactory(new RelaySessionFactory(RelayPeers.testRules(),
            RelayPeers.loopbackTargets()), shortLived);
        RelayServer relay = new RelayServer("localhost", peer.port(), RelaySecurity.STARTTLS);
        RelaySessionKey key = key();
        RelaySessionPool.Opener opener = () -> factory.open(key, relay, ALICE, grant);
        int refreshes = OAUTH.server().tokensIssued("refresh_token");
        try (RelaySmtpClient relayClient = RelayPeers.client(RelayPeers.testConfig(), new RecordingMetricFactory(), Clock.systemUTC())) {
            RelaySessionPool pool = relayClient.pool();
            RelaySession first = pool.acquire(key, opener, Duration.ofSeconds(2), false);
            sendOn(first, "before expiry");
            pool.release(first, true);

            Thread.sleep(4_200); // the first token has expired: the relay would refuse it in a new AUTH

            RelaySession pooled = pool.acquire(key, opener, Duration.ofSeconds(2), false);
            RelaySession fresh = pool.acquire(key, opener, Duration.ofSeconds(2), false);
            assertThat(pooled).isSameAs(first);
            sendOn(pooled, "pooled after expiry");
            sendOn(fresh, "new connection after expiry");
            pool.release(pooled, true);
            pool.release(fresh, true);
        }
        assertThat(peer.awaitMessages(3, Duration.ofSeconds(5))).extracting(ReceivedMail::authenticatedUser).containsOnly(ALICE);
        assertThat(peer.authMechanismsAccepted()).hasSize(2);
        assertThat(peer.tokenRefusals()).isEmpty();
        assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(refreshes + 2);
    }

    @Test
    void tokenNeverAppearsInTheDebugDialogue() throws Exception {
        Logger dialogue = (Logger) LoggerFactory.getLogger(RelayTransport.class);
        Level level = dialogue.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        dialogue.addAppender(logs);
        dialogue.setLevel(Level.DEBUG);
        try {
            peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("XOAUTH2")).start();
            OAUTH.server().signInAs("bob@partner.test");
            String refused = cache.get(grant).value(); // refused first, so the error challenge is logged too
            OAUTH.server().signInAs(ALICE);
            send(open());
            String used = cache.get(grant).value();

            List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).contains("relay SMTP C: AUTH XOAUTH2 ****", "relay SMTP C: ****");
            assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain(refused).doesNotContain(used)
                .doesNotContain(grant.refreshToken()));
        } finally {
            dialogue.detachAppender(logs);
            dialogue.setLevel(level);
        }
    }

    private RelaySession open() throws RelayConnectException {
        return factory.open(key(), new RelayServer("localhost", peer.port(), RelaySecurity.STARTTLS), ALICE, grant);
    }

    /** One pool key per connected account: a refreshed token does not make pooled sessions useless. */
    private RelaySessionKey key() {
        return new RelaySessionKey(new RelaySessionKey.RelayEndpoint("localhost", peer.port()), RelaySecurity.STARTTLS,
            ALICE, fingerprints.of("oauth|" + grant.key().identity()));
    }

    private static void sendOn(RelaySession session, String subject) throws Exception {
        session.transport().useEnvelopeSender(ALICE);
        session.transport().sendMessage(RelayPeers.message(ALICE, subject),
            new InternetAddress[] {new InternetAddress("carol@elsewhere.test")});
        session.messageSent();
    }

    private static void send(RelaySession session) throws Exception {
        try {
            MimeMessage message = RelayPeers.message(ALICE, "oauth relay");
            session.transport().useEnvelopeSender(ALICE);
            session.transport().sendMessage(message, new InternetAddress[] {new InternetAddress("carol@elsewhere.test")});
        } finally {
            session.transport().closeQuietly();
        }
    }
}
