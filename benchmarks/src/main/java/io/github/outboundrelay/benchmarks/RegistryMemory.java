package io.github.outboundrelay.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

import org.apache.james.core.MailAddress;

import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * Part 3 of issue 6: the heap the in-memory registry retains per registered send-as address. Used heap is read after
 * repeated full GCs before and after filling a registry with {@code n} entries (each with its own sealed password);
 * the difference over {@code n} is the retained size per address, map structure included.
 */
final class RegistryMemory {
    /**
     * @param registryBytes what the registry alone retains
     * @param retainedBytes the registry plus each address's verification state (the rule needs both per mail)
     */
    record Result(int addresses, long registryBytes, long retainedBytes, double bytesPerAddress, double fillSeconds) {
    }

    private RegistryMemory() {
    }

    static Result measure(int n, PrintStream log) throws Exception {
        SecretSealer sealer = RegistryFixture.sealer();
        // Warm the code paths (and load their classes) before the baseline reading.
        InMemorySendAsRegistry warm = new InMemorySendAsRegistry();
        for (int i = 0; i < 1000; i++) {
            warm.register(RegistryFixture.entry(i, sealer, null));
        }
        warm = null;
        long before = usedAfterGc();
        long start = System.nanoTime();
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        for (int i = 0; i < n; i++) {
            registry.register(RegistryFixture.entry(i, sealer, null));
        }
        double fillSeconds = (System.nanoTime() - start) / 1e9;
        long withRegistry = usedAfterGc();
        SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
        for (int i = 0; i < n; i++) {
            verifier.saved(registry.find(new MailAddress(RegistryFixture.sendAsAddress(i))).orElseThrow(), true);
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(registry);
        Reference.reachabilityFence(verifier);
        long retained = after - before;
        log.printf(Locale.ROOT, "[bench] registry of %d addresses: %d bytes (%.1f per address); with verification state %d bytes "
                + "(%.1f per address); filled in %.1f s%n", n, withRegistry - before, (withRegistry - before) / (double) n, retained,
            retained / (double) n, fillSeconds);
        return new Result(n, withRegistry - before, retained, retained / (double) n, fillSeconds);
    }

    /** The lowest used heap seen over several full collections: what is still reachable. */
    static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
