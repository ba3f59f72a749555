package io.github.outboundrelay.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.matchers.SMTPAuthSuccessful;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * Part 2 of issue 6: the whole match decision of {@code FromIsRelayableSendAs} (attribute read, From: parse, registry
 * lookup, verification state (every address vouched for by an admin), local-domain check against James's
 * MemoryDomainList configured as james-conf's domainlist.xml, policy check),
 * with 1 k, 100 k and 1 M registered addresses. Each call takes the next of 1024 distinct mails from random registered
 * users, so the registry lookups are not all answered from one cache line. Baselines in the same run: James's stock
 * {@code SMTPAuthSuccessful} on the same mails, and a bare {@code HashMap.get} of the same keys in a map of the same
 * size. SampleTime mode: the table reports the median and the 99th percentile of single calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MatcherBenchmark {
    private static final int MAILS = 1024;

    @Param({"1000", "100000", "1000000"})
    public int registered;

    private io.github.outboundrelay.matchers.FromIsRelayableSendAs matcher;
    private SMTPAuthSuccessful stockMatcher;
    private Map<String, SendAsAddress> plainMap;
    private Mail[] relayMails;
    private Mail[] primaryAddressMails;
    private Mail[] withoutAlternateMails;
    private String[] keys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecretSealer sealer = RegistryFixture.sealer();
        SealedSecret secret = sealer.seal("relay-password", "shared");
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
        plainMap = new HashMap<>();
        for (int i = 0; i < registered; i++) {
            SendAsAddress entry = RegistryFixture.entry(i, sealer, secret);
            registry.register(entry);
            verifier.saved(entry, true);
            plainMap.put(entry.key(), entry);
        }
        InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
        policies.set(new DomainRelayPolicy(Domain.of(RegistryFixture.LOCAL_DOMAIN), true));
        MemoryDomainList domainList = new MemoryDomainList(null);
        domainList.configure(DomainListConfiguration.builder()
            .autoDetect(false)
            .autoDetectIp(false)
            .defaultDomain(Domain.of(RegistryFixture.LOCAL_DOMAIN))
            .build());
        matcher = new io.github.outboundrelay.matchers.FromIsRelayableSendAs(new OutboundRelayRule(registry, policies, domainList, verifier));
        stockMatcher = new SMTPAuthSuccessful();

        SplittableRandom random = new SplittableRandom(42);
        relayMails = new Mail[MAILS];
        primaryAddressMails = new Mail[MAILS];
        keys = new String[MAILS];
        withoutAlternateMails = new Mail[MAILS];
        for (int m = 0; m < MAILS; m++) {
            int user = random.nextInt(registered);
            relayMails[m] = mail(RegistryFixture.owner(user), RegistryFixture.sendAsAddress(user));
            primaryAddressMails[m] = mail(RegistryFixture.owner(user), RegistryFixture.owner(user));
            keys[m] = RegistryFixture.sendAsAddress(user);
            String unregistered = RegistryFixture.owner(registered + user);
            withoutAlternateMails[m] = mail(unregistered, unregistered);
        }
        if (matcher.match(relayMails[0]).isEmpty() || !matcher.match(primaryAddressMails[0]).isEmpty()
            || stockMatcher.match(relayMails[0]).isEmpty() || plainMap.get(keys[0]) == null) {
            throw new IllegalStateException("the benchmark mails do not exercise the paths they are meant to");
        }
    }

    /** A submitted mail as James holds it after SMTP AUTH: parsed headers, the authenticated user attribute. */
    static Mail mail(String authenticatedUser, String from) throws Exception {
        String raw = "Return-Path: <" + from + ">\r\n"
            + "Received: from 127.0.0.1 by bench.ourdomain.test with ESMTPSA; Thu, 1 Jan 2026 00:00:00 +0000\r\n"
            + "Message-ID: <" + Integer.toHexString(from.hashCode()) + "@bench>\r\n"
            + "Date: Thu, 1 Jan 2026 00:00:00 +0000\r\n"
            + "From: " + from + "\r\n"
            + "To: carol@elsewhere.test\r\n"
            + "Subject: benchmark\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "Content-Transfer-Encoding: 7bit\r\n"
            + "\r\n"
            + "Hello.\r\n";
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        return MailImpl.builder()
            .name("bench-" + from)
            .sender(new MailAddress(from))
            .addRecipient("carol@elsewhere.test")
            .mimeMessage(message)
            .addAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authenticatedUser)))
            .build();
    }

    private int nextIndex() {
        next = (next + 1) & (MAILS - 1);
        return next;
    }

    /** The outbound relay rule on mail from a registered send-as address: matches. */
    @Benchmark
    public Collection<MailAddress> fromIsRelayableSendAs() throws Exception {
        return matcher.match(relayMails[nextIndex()]);
    }

    /** The same rule on mail from the user's primary address (most mail): does not match. */
    @Benchmark
    public Collection<MailAddress> fromIsRelayableSendAsPrimaryAddress() throws Exception {
        return matcher.match(primaryAddressMails[nextIndex()]);
    }

    /** The same rule on mail of users without any alternate address (most users): one probe, no header read. */
    @Benchmark
    public Collection<MailAddress> fromIsRelayableSendAsUserWithoutAlternate() throws Exception {
        return matcher.match(withoutAlternateMails[nextIndex()]);
    }

    /** Baseline: James's stock matcher on the same mails (an attribute read). */
    @Benchmark
    public Collection<MailAddress> stockSmtpAuthSuccessful() {
        return stockMatcher.match(relayMails[nextIndex()]);
    }

    /** Baseline: a bare HashMap lookup of the same addresses in a map of the same size. */
    @Benchmark
    public SendAsAddress hashMapLookup() {
        return plainMap.get(keys[nextIndex()]);
    }
}
