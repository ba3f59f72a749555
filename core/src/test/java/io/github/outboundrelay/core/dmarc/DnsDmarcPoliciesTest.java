package io.github.outboundrelay.core.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.testing.Dnsmasq;
import io.github.outboundrelay.testing.LoopbackPortDnsJavaService;
import io.github.outboundrelay.testing.SilentDnsServer;

/**
 * The DMARC lookup against a real DNS server: James's DNS service ({@code DNSJavaService}) asking dnsmasq on loopback,
 * which serves the {@code _dmarc} TXT records below; and against a port that never answers.
 */
class DnsDmarcPoliciesTest {
    @TempDir
    static Path folder;
    static Dnsmasq dnsmasq;

    @BeforeAll
    static void startDns() {
        dnsmasq = Dnsmasq.start(folder, Map.of(
            "_dmarc.reject.test", "v=DMARC1; p=reject; rua=mailto:dmarc@reject.test",
            "_dmarc.quarantine.test", "v=DMARC1; p=quarantine; pct=100",
            "_dmarc.none.test", "v=DMARC1; p=none",
            "_dmarc.parent.test", "v=DMARC1; p=none; sp=reject",
            "_dmarc.strict.test", "v=DMARC1; p=reject",
            "other.test", "v=spf1 -all"));
    }

    @AfterAll
    static void stopDns() {
        dnsmasq.close();
    }

    @Test
    void reject() throws Exception {
        assertThat(policies(dnsmasq.port()).lookup(Domain.of("reject.test"))).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void quarantine() throws Exception {
        assertThat(policies(dnsmasq.port()).lookup(Domain.of("quarantine.test"))).isEqualTo(DmarcPolicy.QUARANTINE);
    }

    @Test
    void none() throws Exception {
        assertThat(policies(dnsmasq.port()).lookup(Domain.of("none.test"))).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void noRecordAtAll() throws Exception {
        assertThat(policies(dnsmasq.port()).lookup(Domain.of("other.test"))).isEqualTo(DmarcPolicy.NO_RECORD);
    }

    @Test
    void aSubdomainWithoutRecordTakesItsOrganizationalDomainsSubdomainPolicy() throws Exception {
        DnsDmarcPolicies policies = policies(dnsmasq.port());

        assertThat(policies.lookup(Domain.of("mail.eu.parent.test"))).isEqualTo(DmarcPolicy.REJECT);
        assertThat(policies.lookup(Domain.of("parent.test"))).isEqualTo(DmarcPolicy.NONE);
        assertThat(policies.lookup(Domain.of("mail.strict.test"))).as("no sp: its p").isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void aServerThatNeverAnswersMakesItUnknownWithinTheTimeoutAndItIsAskedAgainLater() throws Exception {
        try (SilentDnsServer silent = new SilentDnsServer()) {
            DnsDmarcPolicies policies = new DnsDmarcPolicies(dnsOn(silent.port()),
                new DmarcLookupSettings(Duration.ofMillis(500), 100, Duration.ofHours(1), Duration.ofSeconds(1)));

            long start = System.nanoTime();
            assertThat(policies.lookup(Domain.of("reject.test"))).isEqualTo(DmarcPolicy.UNKNOWN);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(policies.known(Domain.of("reject.test"))).isEqualTo(DmarcPolicy.UNKNOWN);
        }
    }

    @Test
    void anAnswerIsKeptAtMostMaxAgeThenAskedAgain() throws Exception {
        Map<String, String> before = Map.of("_dmarc.changing.test", "v=DMARC1; p=none");
        try (Dnsmasq own = Dnsmasq.start(folder.resolve("changing"), before)) {
            DnsDmarcPolicies policies = new DnsDmarcPolicies(dnsOn(own.port()),
                new DmarcLookupSettings(Duration.ofSeconds(2), 100, Duration.ofSeconds(1), Duration.ofSeconds(1)));
            assertThat(policies.lookup(Domain.of("changing.test"))).isEqualTo(DmarcPolicy.NONE);

            own.serve(Map.of("_dmarc.changing.test", "v=DMARC1; p=reject"));
            Thread.sleep(2100); // maxAge here, the record's TTL (1 s) in James's cache
            assertThat(policies.known(Domain.of("changing.test"))).as("the latest answer while it is asked again, never unknown")
                .isIn(DmarcPolicy.NONE, DmarcPolicy.REJECT);
            assertThat(policies.lookup(Domain.of("changing.test"))).isEqualTo(DmarcPolicy.REJECT);
        }
    }

    @Test
    void knownDoesNotWaitAndAnswersOnceTheLookupIsDone() throws Exception {
        DnsDmarcPolicies policies = policies(dnsmasq.port());
        Domain domain = Domain.of("quarantine.test");

        policies.known(domain);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (policies.known(domain) == DmarcPolicy.UNKNOWN && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(policies.known(domain)).isEqualTo(DmarcPolicy.QUARANTINE);
    }

    private static DnsDmarcPolicies policies(int port) throws Exception {
        return new DnsDmarcPolicies(dnsOn(port), DmarcLookupSettings.DEFAULTS);
    }

    private static DNSService dnsOn(int port) throws Exception {
        LoopbackPortDnsJavaService dns = new LoopbackPortDnsJavaService(new RecordingMetricFactory(), port);
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("autodiscover", false);
        configuration.addProperty("maxcachesize", 1000);
        dns.configure(configuration);
        dns.init();
        return dns;
    }
}
