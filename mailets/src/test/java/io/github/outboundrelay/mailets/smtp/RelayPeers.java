package io.github.outboundrelay.mailets.smtp;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.base.test.FakeMailetConfig;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.PortRange;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.core.net.RelayTargetGuard;
import io.github.outboundrelay.mailets.OutboundRelayDelivery;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.TestTls;

/** Shared test fixtures: send-as addresses pointing at a real peer, messages, and a client configured for tests. */
public final class RelayPeers {
    private RelayPeers() {
    }

    public static FakeMailetConfig.Builder testConfig() {
        return FakeMailetConfig.builder().mailetName("OutboundRelayDelivery");
    }

    /** The connection rules of the tests: short timeouts, the test CA trusted (outbound-relay.properties' keys). */
    public static RelayConnectionRules testRules() {
        return rules(true).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /** Every default but the test CA, when {@code withTestTrustStore}. */
    public static RelayConnectionRules rules(boolean withTestTrustStore) {
        BaseConfiguration properties = new BaseConfiguration();
        if (withTestTrustStore) {
            properties.addProperty(RelayConnectionRules.TRUST_STORE, TestTls.trustStorePath().toString());
            properties.addProperty(RelayConnectionRules.TRUST_STORE_PASSWORD, TestTls.trustStorePassword());
        }
        return RelayConnectionRules.from(properties);
    }

    public static RelaySmtpClient client(FakeMailetConfig.Builder config, MetricFactory metrics, Clock clock) throws Exception {
        return client(config, testRules(), metrics, clock);
    }

    public static RelaySmtpClient client(FakeMailetConfig.Builder config, RelayConnectionRules rules, MetricFactory metrics,
                                  Clock clock) throws Exception {
        return client(RelayDeliveryConfiguration.from(config.build(), rules), rules, metrics, clock);
    }

    /** A client of {@code configuration} whose target guard admits the loopback test peers. */
    public static RelaySmtpClient client(RelayDeliveryConfiguration configuration, RelayConnectionRules rules,
                                         MetricFactory metrics, Clock clock) {
        return new RelaySmtpClient(configuration, new RelaySessionFactory(rules, loopbackTargets()), metrics, clock);
    }

    /** Takes a connection slot of {@code sendAs}'s relay in {@code pool} (an unconnected session) until closed. */
    public static AutoCloseable occupySlot(RelaySessionPool pool, SendAsAddress sendAs, String password) throws Exception {
        RelaySessionKey key = RelaySessionKey.of(sendAs, password, new PasswordFingerprints());
        RelaySession holder = pool.acquire(key,
            () -> new RelaySession(key, new RelayTransport(javax.mail.Session.getInstance(new java.util.Properties()))),
            Duration.ZERO, true);
        return () -> pool.discard(holder);
    }

    public static SendAsAddress sendAs(String address, String owner, SmtpPeer peer, RelaySecurity security, String login,
                                String password) throws Exception {
        MailAddress mailAddress = new MailAddress(address);
        return SendAsAddress.withPassword(mailAddress, Username.of(owner), new RelayServer("localhost", peer.port(), security),
            login, password, RelaySmtpClientTest.SEALER);
    }

    /** The test peers listen on loopback, on any port: allowed here, as an admin would allow an internal relay. */
    public static RelayTargetGuard loopbackTargets() {
        try {
            InMemoryDNSService dns = new InMemoryDNSService()
                .registerRecord("localhost", java.net.InetAddress.getByName("127.0.0.1"), "localhost");
            return new RelayTargetGuard(dns, PortRange.parseList("allowedRelayPorts", "1-65535"), List.of(), List.of("127.0.0.0/8"));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MimeMessage message(String from, String subject) throws Exception {
        return MimeMessageBuilder.mimeMessageBuilder()
            .addFrom(from)
            .addToRecipient("carol@elsewhere.test")
            .setSubject(subject)
            .setText("hello")
            .build();
    }

    public static List<MailAddress> to(String... addresses) throws Exception {
        MailAddress[] result = new MailAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            result[i] = new MailAddress(addresses[i]);
        }
        return List.of(result);
    }

    /** A clock the test moves forward by hand, so idle timeouts and delays need no sleep. */
    public static final class MovableClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");

        public void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
