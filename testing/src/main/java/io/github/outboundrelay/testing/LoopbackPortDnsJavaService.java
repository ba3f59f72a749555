package io.github.outboundrelay.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.api.MetricFactory;
import org.xbill.DNS.SimpleResolver;

/**
 * James's own DNS service ({@link DNSJavaService}: its lookups, its TTL-honouring cache, its handling of failures)
 * asking a DNS server on a loopback port other than 53, such as {@link Dnsmasq}'s. James's {@code dnsservice.xml}
 * names servers by host only ({@code <servers><server>}: dnsjava's {@code SimpleResolver(host)}, port 53 always), and
 * with {@code autodiscover} it keeps only the host of each server dnsjava's resolver configuration names, dropping
 * its port; so a test cannot point it at an unprivileged port by configuration. This subclass changes only that: after
 * James's {@code init()}, the resolver it built is replaced by one for 127.0.0.1 on {@code port}.
 *
 * <p>Bind it in place of James's: {@code bind(DNSJavaService.class).to(LoopbackPortDnsJavaService.class)} with the
 * port as {@code @Named(PORT)} (James's DNSServiceModule then configures and starts it from dnsservice.xml).</p>
 */
public class LoopbackPortDnsJavaService extends DNSJavaService {
    public static final String PORT = "outbound-relay.test.dns-port";

    private final int port;

    @Inject
    public LoopbackPortDnsJavaService(MetricFactory metricFactory, @Named(PORT) int port) {
        super(metricFactory);
        this.port = port;
    }

    @Override
    public void init() throws Exception {
        super.init();
        SimpleResolver loopback = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        // dnsjava's default (10 s): the lookup's own timeout (dmarc.timeout) is shorter, as in production
        loopback.setTimeout(Duration.ofSeconds(10));
        resolver = loopback;
    }
}
