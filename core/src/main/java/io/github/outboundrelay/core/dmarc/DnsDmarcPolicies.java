package io.github.outboundrelay.core.dmarc;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.InternetDomainName;

/**
 * DMARC policies from DNS through James's {@link DNSService#findTXTRecords(String)}: {@code _dmarc.<domain>}, and when
 * that has no record, {@code _dmarc.<organizational domain>} (RFC 7489 6.6.3), the organizational domain being the
 * public suffix plus one label (Guava's {@link InternetDomainName#topPrivateDomain()}, which knows the public suffix
 * list; a name under no listed suffix, such as {@code partner.test}, takes the list's implicit {@code *} rule: its last
 * two labels).
 *
 * <p>Each lookup waits at most {@link DmarcLookupSettings#timeout()}: longer, the policy is {@link DmarcPolicy#UNKNOWN}
 * and asked again after {@link DmarcLookupSettings#retryUnknownAfter()}. James's service returns TXT strings only, so
 * the record's TTL is not visible here: answers are kept at most {@link DmarcLookupSettings#maxAge()}, in a cache of
 * at most {@link DmarcLookupSettings#cacheSize()} domains; James's own DNS cache below (dnsservice.xml
 * {@code maxcachesize}) keeps each record no longer than its TTL. James's service also answers a failed lookup
 * (SERVFAIL, REFUSED) as no record at all; only a lookup that does not answer in time is told apart, as unknown.</p>
 */
public class DnsDmarcPolicies implements DmarcPolicies {
    private static final Logger LOGGER = LoggerFactory.getLogger(DnsDmarcPolicies.class);

    private final DNSService dns;
    private final DmarcLookupSettings settings;
    private final Executor executor;
    private final Cache<Domain, CompletableFuture<DmarcPolicy>> answers;
    private final Cache<Domain, DmarcPolicy> unknown;
    /** The latest answer per domain, shown by {@link #known} while a newer lookup is under way. */
    private final Cache<Domain, DmarcPolicy> latest;

    @Inject
    public DnsDmarcPolicies(DNSService dns, DmarcLookupSettings settings) {
        this(dns, settings, lookupThreads(), Ticker.systemTicker());
    }

    DnsDmarcPolicies(DNSService dns, DmarcLookupSettings settings, Executor executor, Ticker ticker) {
        this.dns = dns;
        this.settings = settings;
        this.executor = executor;
        this.answers = CacheBuilder.newBuilder().maximumSize(settings.cacheSize())
            .expireAfterWrite(settings.maxAge()).ticker(ticker).build();
        this.unknown = CacheBuilder.newBuilder().maximumSize(settings.cacheSize())
            .expireAfterWrite(settings.retryUnknownAfter()).ticker(ticker).build();
        this.latest = CacheBuilder.newBuilder().maximumSize(settings.cacheSize()).build();
    }

    @Override
    public DmarcPolicy lookup(Domain domain) {
        DmarcPolicy cachedUnknown = unknown.getIfPresent(domain);
        if (cachedUnknown != null) {
            return cachedUnknown;
        }
        CompletableFuture<DmarcPolicy> answer = answerFor(domain);
        try {
            return answer.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return unknownFor(domain, answer, "no answer within " + settings.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            return unknownFor(domain, answer, e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DmarcPolicy.UNKNOWN;
        }
    }

    @Override
    public DmarcPolicy known(Domain domain) {
        if (unknown.getIfPresent(domain) != null) {
            return DmarcPolicy.UNKNOWN;
        }
        CompletableFuture<DmarcPolicy> answer = answerFor(domain);
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            return answer.join();
        }
        DmarcPolicy previous = latest.getIfPresent(domain);
        return previous != null ? previous : DmarcPolicy.UNKNOWN;
    }

    private CompletableFuture<DmarcPolicy> answerFor(Domain domain) {
        try {
            return answers.get(domain, () -> {
                CompletableFuture<DmarcPolicy> lookup = CompletableFuture.supplyAsync(() -> ask(domain), executor);
                // not the late answer of a lookup that timed out (it was removed from the cache): see unknownFor
                lookup.thenAccept(policy -> {
                    if (answers.asMap().get(domain) == lookup) {
                        latest.put(domain, policy);
                    }
                });
                return lookup;
            });
        } catch (ExecutionException | RuntimeException e) {
            // no lookup thread free (a DNS server that never answers holds them all): unknown for now
            return CompletableFuture.failedFuture(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** The late answer of a lookup that timed out is not trusted: James answers a resolver timeout as "no record". */
    private DmarcPolicy unknownFor(Domain domain, CompletableFuture<DmarcPolicy> answer, String why) {
        answers.asMap().remove(domain, answer);
        latest.invalidate(domain);
        unknown.put(domain, DmarcPolicy.UNKNOWN);
        LOGGER.info("outbound-relay: the DMARC policy of {} is unknown for now ({}); asked again after {}",
            domain.asString(), why, settings.retryUnknownAfter());
        return DmarcPolicy.UNKNOWN;
    }

    private DmarcPolicy ask(Domain domain) {
        Optional<DmarcPolicy> own = DmarcRecord.policyOf(txt(domain.asString()), false);
        if (own.isPresent()) {
            return own.get();
        }
        return organizationalDomainOf(domain)
            .flatMap(organizational -> DmarcRecord.policyOf(txt(organizational), true))
            .orElse(DmarcPolicy.NO_RECORD);
    }

    private Collection<String> txt(String name) {
        return dns.findTXTRecords("_dmarc." + name);
    }

    /** The organizational domain when it is not the domain itself. */
    static Optional<String> organizationalDomainOf(Domain domain) {
        String name = domain.asString();
        String organizational;
        try {
            InternetDomainName parsed = InternetDomainName.from(name);
            if (parsed.isUnderPublicSuffix()) {
                organizational = parsed.topPrivateDomain().toString();
            } else if (parsed.isPublicSuffix() || parsed.parts().size() < 2) {
                return Optional.empty();
            } else {
                // the public suffix list's implicit "*" rule: the last label is the suffix
                organizational = String.join(".", parsed.parts().subList(parsed.parts().size() - 2, parsed.parts().size()));
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
        return organizational.equalsIgnoreCase(name) ? Optional.empty() : Optional.of(organizational);
    }

    private static ExecutorService lookupThreads() {
        AtomicInteger count = new AtomicInteger();
        // A bounded pool: a DNS server that never answers holds at most these threads, each until dnsjava gives up.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1000),
            runnable -> {
                Thread thread = new Thread(runnable, "outbound-relay-dmarc-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
