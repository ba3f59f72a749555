package io.github.outboundrelay.benchmarks;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run measures and how much of it, from {@code key=value} arguments over the full run's defaults, or over the
 * smoke run's with {@code smoke=true}.
 */
record BenchmarkSettings(boolean smoke, Set<String> parts, int mails, List<Integer> sizesKib, int users, int relays,
                         List<Integer> clients, int warmup, int reuseMails, int memoryAddresses, List<Integer> jmhRegistered,
                         int jmhForks, int jmhWarmupIterations, int jmhIterations, int jmhIterationMillis,
                         String maxOpenConnectionsPerRelay, int scalingMails) {
    static final Set<String> ALL_PARTS = Set.of("throughput", "reuse", "memory", "matcher", "scaling");

    static BenchmarkSettings parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            if (arg.isBlank()) {
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
            }
            values.put(arg.substring(0, equals).trim(), arg.substring(equals + 1).trim());
        }
        boolean smoke = Boolean.parseBoolean(values.getOrDefault("smoke", "false"));
        Map<String, String> defaults = smoke ? Map.ofEntries(
            Map.entry("parts", "throughput,reuse,memory,matcher"), Map.entry("mails", "100"), Map.entry("sizes", "1"),
            Map.entry("users", "100"), Map.entry("relays", "10"), Map.entry("clients", "8"), Map.entry("warmup", "20"),
            Map.entry("maxOpenConnectionsPerRelay", "shipped"), Map.entry("scalingMails", "100"),
            Map.entry("reuseMails", "100"), Map.entry("memoryAddresses", "50000"), Map.entry("jmhRegistered", "1000"),
            Map.entry("jmhForks", "1"), Map.entry("jmhWarmupIterations", "1"), Map.entry("jmhIterations", "1"),
            Map.entry("jmhIterationMillis", "300"))
            : Map.ofEntries(
            Map.entry("parts", "throughput,reuse,memory,matcher,scaling"), Map.entry("mails", "5000"), Map.entry("sizes", "1,100"),
            Map.entry("users", "100"), Map.entry("relays", "10"), Map.entry("clients", "12,24,48"), Map.entry("warmup", "300"),
            Map.entry("maxOpenConnectionsPerRelay", "shipped"), Map.entry("scalingMails", "3000"),
            Map.entry("reuseMails", "1000"), Map.entry("memoryAddresses", "1000000"),
            Map.entry("jmhRegistered", "1000,100000,1000000"), Map.entry("jmhForks", "1"), Map.entry("jmhWarmupIterations", "3"),
            Map.entry("jmhIterations", "5"), Map.entry("jmhIterationMillis", "2000"));
        for (String key : values.keySet()) {
            if (!key.equals("smoke") && !defaults.containsKey(key)) {
                throw new IllegalArgumentException("unknown argument '" + key + "'; known: smoke, " + String.join(", ", defaults.keySet()));
            }
        }
        Map<String, String> merged = new HashMap<>(defaults);
        merged.putAll(values);
        Set<String> parts = Set.copyOf(Arrays.asList(merged.get("parts").split(",")));
        if (!ALL_PARTS.containsAll(parts)) {
            throw new IllegalArgumentException("parts are among " + ALL_PARTS + ", got " + parts);
        }
        return new BenchmarkSettings(smoke, parts, integer(merged, "mails"), integers(merged, "sizes"), integer(merged, "users"),
            integer(merged, "relays"), integers(merged, "clients"), integer(merged, "warmup"), integer(merged, "reuseMails"),
            integer(merged, "memoryAddresses"), integers(merged, "jmhRegistered"), integer(merged, "jmhForks"),
            integer(merged, "jmhWarmupIterations"), integer(merged, "jmhIterations"), integer(merged, "jmhIterationMillis"),
            merged.get("maxOpenConnectionsPerRelay"), integer(merged, "scalingMails"));
    }

    private static int integer(Map<String, String> values, String key) {
        return Integer.parseInt(values.get(key));
    }

    private static List<Integer> integers(Map<String, String> values, String key) {
        return Arrays.stream(values.get(key).split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    /** Whether the relay mailet keeps the shipped {@code maxOpenConnectionsPerRelay} (else it is set to the argument). */
    boolean shippedOpenConnectionsPerRelay() {
        return maxOpenConnectionsPerRelay.equals("shipped");
    }

    boolean runs(String part) {
        return parts.contains(part);
    }

    @Override
    public String toString() {
        return "mails=" + mails + " sizes=" + sizesKib + "KiB users=" + users + " relays=" + relays + " clients=" + clients
            + " warmup=" + warmup + " reuseMails=" + reuseMails + " memoryAddresses=" + memoryAddresses + " jmhRegistered="
            + jmhRegistered + " jmh(forks=" + jmhForks + ", warmup=" + jmhWarmupIterations + "x" + jmhIterationMillis + "ms, measure="
            + jmhIterations + "x" + jmhIterationMillis + "ms) parts=" + parts + " maxOpenConnectionsPerRelay="
            + maxOpenConnectionsPerRelay + " scalingMails=" + scalingMails + (smoke ? " [smoke]" : "");
    }
}
