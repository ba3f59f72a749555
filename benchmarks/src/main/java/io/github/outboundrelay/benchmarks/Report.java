package io.github.outboundrelay.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The figures of one run as Markdown tables, each beside its same-run baseline, and the goals (issue 24's, which
 * raised issue 6's) with PASS or MISS.
 */
public final class Report {
    static final double RELAY_OVER_A = 2.0;
    static final double RELAY_OVER_B = 0.7;
    static final double MATCHER_OVER_HASHMAP = 10;
    static final double PRIMARY_ADDRESS_OVER_STOCK = 3;
    static final double BYTES_PER_ADDRESS = 1024;
    static final double CONNECTIONS_PER_1000 = 20;
    static final double CONNECTIONS_PER_1000_ONE_RELAY_MANY_ACCOUNTS = 50;

    public record Goal(String name, String measured, String target, boolean met) {
    }

    private final BenchmarkSettings settings;
    RegistryMemory.Result memory;
    RelayThroughput.Results throughput;
    List<MatcherCost.Result> matcher;
    RelayScaling.Results scaling;
    double seconds;

    Report(BenchmarkSettings settings) {
        this.settings = settings;
    }

    public List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        if (throughput != null) {
            for (int kib : throughput.sizes().stream().map(RelayThroughput.SizeResults::kib).distinct().toList()) {
                List<RelayThroughput.SizeResults> runs = throughput.sizes().stream().filter(size -> size.kib() == kib).toList();
                throughputGoals(goals, kib + " KiB, 1 relay", runs, RelayThroughput.SizeResults::relayOne);
                throughputGoals(goals, kib + " KiB, " + runs.get(0).relays() + " relays", runs, RelayThroughput.SizeResults::relayMany);
            }
        }
        if (matcher != null) {
            int largest = matcher.stream().mapToInt(MatcherCost.Result::registered).max().orElse(0);
            double map = median("hashMapLookup", largest);
            double stock = median("stockSmtpAuthSuccessful", largest);
            double rule = median("fromIsRelayableSendAs", largest);
            double primary = median("fromIsRelayableSendAsPrimaryAddress", largest);
            goals.add(new Goal("whole rule, median at " + count(largest) + " addresses, x HashMap.get (same run)",
                String.format(Locale.ROOT, "%s (%.0f ns / %.0f ns)", format(rule / map), rule, map),
                "<= " + (int) MATCHER_OVER_HASHMAP, rule / map <= MATCHER_OVER_HASHMAP));
            goals.add(new Goal("mail from a primary address, median at " + count(largest) + " addresses, x SMTPAuthSuccessful",
                String.format(Locale.ROOT, "%s (%.0f ns / %.0f ns)", format(primary / stock), primary, stock),
                "<= " + (int) PRIMARY_ADDRESS_OVER_STOCK, primary / stock <= PRIMARY_ADDRESS_OVER_STOCK));
        }
        if (memory != null) {
            goals.add(new Goal("heap per address at " + count(memory.addresses()) + " addresses",
                String.format(Locale.ROOT, "%.1f B", memory.bytesPerAddress()), "< " + (int) BYTES_PER_ADDRESS + " B",
                memory.bytesPerAddress() < BYTES_PER_ADDRESS));
        }
        if (throughput != null && throughput.reuse() != null) {
            LoadRun.Result reuse = throughput.reuse();
            goals.add(new Goal("connections per 1000 mails, 1 relay + credential",
                String.format(Locale.ROOT, "%.0f", reuse.connectionsPer1000()), "<= " + (int) CONNECTIONS_PER_1000,
                reuse.complete() && reuse.connectionsPer1000() <= CONNECTIONS_PER_1000));
        }
        if (throughput != null && !throughput.sizes().isEmpty()) {
            double worst = throughput.sizes().stream().mapToDouble(size -> size.relayOne().connectionsPer1000()).max().orElseThrow();
            goals.add(new Goal("connections per 1000 mails, 1 relay with " + settings.users() + " accounts (worst run)",
                String.format(Locale.ROOT, "%.0f", worst), "<= " + (int) CONNECTIONS_PER_1000_ONE_RELAY_MANY_ACCOUNTS,
                worst <= CONNECTIONS_PER_1000_ONE_RELAY_MANY_ACCOUNTS));
        }
        return goals;
    }

    /**
     * A path's throughput is its best over the client counts run (its capacity): relay/A and relay/B compare those
     * bests, and the measured text also gives the ratio at each client count.
     */
    private static void throughputGoals(List<Goal> goals, String label, List<RelayThroughput.SizeResults> runs,
                                        Function<RelayThroughput.SizeResults, LoadRun.Result> relayOf) {
        LoadRun.Result relay = best(runs, relayOf);
        LoadRun.Result a = best(runs, RelayThroughput.SizeResults::baselineA);
        LoadRun.Result b = best(runs, RelayThroughput.SizeResults::baselineB);
        boolean complete = runs.stream().allMatch(run -> allComplete(relayOf.apply(run), run.baselineA(), run.baselineB()));
        String suffix = runs.size() == 1 ? "" : ", best of each path";
        double overA = ratio(relay, a);
        double overB = ratio(relay, b);
        goals.add(new Goal("relay/A throughput, " + label + suffix, format(overA) + perClients(runs, relayOf,
            RelayThroughput.SizeResults::baselineA), ">= " + RELAY_OVER_A, overA >= RELAY_OVER_A && complete));
        goals.add(new Goal("relay/B throughput, " + label + suffix, format(overB) + perClients(runs, relayOf,
            RelayThroughput.SizeResults::baselineB), ">= " + RELAY_OVER_B, overB >= RELAY_OVER_B && complete));
        boolean p99NoWorse = runs.stream().allMatch(run -> relayOf.apply(run).p99Millis() <= run.baselineA().p99Millis());
        goals.add(new Goal("p99 latency no worse than A's, " + label + ", every client count", runs.stream()
            .map(run -> String.format(Locale.ROOT, "%d: %.0f vs %.0f ms", run.clients(), relayOf.apply(run).p99Millis(),
                run.baselineA().p99Millis()))
            .collect(Collectors.joining(", ")), "relay <= A", p99NoWorse && complete));
    }

    private static LoadRun.Result best(List<RelayThroughput.SizeResults> runs,
                                       Function<RelayThroughput.SizeResults, LoadRun.Result> path) {
        return runs.stream().map(path).max(Comparator.comparingDouble(LoadRun.Result::mailsPerSecond)).orElseThrow();
    }

    private static String perClients(List<RelayThroughput.SizeResults> runs,
                                     Function<RelayThroughput.SizeResults, LoadRun.Result> relayOf,
                                     Function<RelayThroughput.SizeResults, LoadRun.Result> baselineOf) {
        if (runs.size() == 1) {
            return "";
        }
        return runs.stream()
            .map(run -> run.clients() + " clients: " + format(ratio(relayOf.apply(run), baselineOf.apply(run))))
            .collect(Collectors.joining(", ", " (same clients: ", ")"));
    }

    public Optional<RelayThroughput.Results> throughput() {
        return Optional.ofNullable(throughput);
    }

    public Optional<List<MatcherCost.Result>> matcher() {
        return Optional.ofNullable(matcher);
    }

    public Optional<RegistryMemory.Result> memory() {
        return Optional.ofNullable(memory);
    }

    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("\n## Outbound relay benchmark").append(settings.smoke() ? " (SMOKE RUN: figures not meaningful)" : "").append("\n\n");
        out.append("Settings: ").append(settings).append(String.format(Locale.ROOT, "; took %.0f s%n%n", seconds));
        if (throughput != null) {
            out.append("### 1. End-to-end throughput (submission STARTTLS+AUTH -> sink STARTTLS+AUTH), ")
                .append(settings.mails()).append(" mails, ").append(settings.users()).append(" users, ")
                .append(settings.clients()).append(" client threads (x A, x B: against the baselines at the same number)\n\n");
            out.append("| body | clients | path | accepted | mails/s | p50 ms | p99 ms | connections/1000 | x A | x B |\n");
            out.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (RelayThroughput.SizeResults size : throughput.sizes()) {
                row(out, size.kib(), "B: client straight to the sink", size.baselineB(), size);
                row(out, size.kib(), "A: stock RemoteDelivery -> gateway", size.baselineA(), size);
                row(out, size.kib(), "outbound relay, 1 relay", size.relayOne(), size);
                row(out, size.kib(), "outbound relay, " + size.relays() + " relays", size.relayMany(), size);
            }
            out.append('\n');
        }
        if (matcher != null) {
            out.append("### 2. Matcher cost (JMH SampleTime, single calls)\n\n");
            out.append("| benchmark | registered | median ns | p99 ns | samples | median x stock SMTPAuthSuccessful | median x HashMap.get |\n");
            out.append("|---|---|---|---|---|---|---|\n");
            for (MatcherCost.Result result : matcher) {
                double stock = median("stockSmtpAuthSuccessful", result.registered());
                double map = median("hashMapLookup", result.registered());
                out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %d | %s | %s |%n", result.benchmark(),
                    count(result.registered()), result.medianNanos(), result.p99Nanos(), result.samples(),
                    format(result.medianNanos() / stock), format(result.medianNanos() / map)));
            }
            out.append('\n');
        }
        if (memory != null) {
            out.append("### 3. Registry heap\n\n");
            out.append(String.format(Locale.ROOT, "%s addresses (each with its own sealed password), used heap after full GCs: "
                    + "registry %.1f MiB = %.0f bytes per address; with each address's verification state %.1f MiB = "
                    + "**%.1f bytes per address** (registry filled in %.1f s)%n%n",
                count(memory.addresses()), memory.registryBytes() / (1024.0 * 1024.0), memory.registryBytes() / (double) memory.addresses(),
                memory.retainedBytes() / (1024.0 * 1024.0), memory.bytesPerAddress(), memory.fillSeconds()));
        }
        if (throughput != null && throughput.reuse() != null) {
            LoadRun.Result reuse = throughput.reuse();
            out.append("### 4. Connection reuse\n\n");
            out.append(String.format(Locale.ROOT, "%d mails of one user through one relay with one credential: %d/%d accepted, "
                    + "%d connections = %.0f per 1000 mails (stock RemoteDelivery in the same run: %s per 1000)%n%n",
                reuse.mails(), reuse.accepted(), reuse.mails(), reuse.connections(), reuse.connectionsPer1000(),
                throughput.sizes().isEmpty() ? "n/a" : format(throughput.sizes().get(0).baselineA().connectionsPer1000())));
        }
        if (scaling != null) {
            out.append("### 5. Scaling: 1 KiB, one client count, user i sends mail i mod accounts\n\n");
            out.append(String.format(Locale.ROOT, "Stock path A in the same run: %.1f mails/s, p99 %.1f ms, %.0f connections per 1000.%n%n",
                scaling.stock().mailsPerSecond(), scaling.stock().p99Millis(), scaling.stock().connectionsPer1000()));
            out.append("| relays | accounts per relay | accounts | accepted | mails/s | x A | p99 ms | connections/1000 | most open to one relay |\n");
            out.append("|---|---|---|---|---|---|---|---|---|\n");
            for (RelayScaling.Row row : scaling.rows()) {
                LoadRun.Result result = row.result();
                out.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %.1f | %s | %.1f | %.0f | %d |%n", row.relays(),
                    row.accountsPerRelay(), row.relays() * row.accountsPerRelay(),
                    result.accepted() + "/" + result.mails() + (result.complete() ? "" : " INCOMPLETE"), result.mailsPerSecond(),
                    format(ratio(result, scaling.stock())), result.p99Millis(), result.connectionsPer1000(), row.mostOpenToOneRelay()));
            }
            out.append('\n');
        }
        out.append("### Goals\n\n| goal | measured | target | verdict |\n|---|---|---|---|\n");
        for (Goal goal : goals()) {
            out.append("| ").append(goal.name()).append(" | ").append(goal.measured()).append(" | ").append(goal.target())
                .append(" | ").append(goal.met() ? "PASS" : "MISS").append(" |\n");
        }
        return out.toString();
    }

    private void row(StringBuilder out, int kib, String path, LoadRun.Result result, RelayThroughput.SizeResults size) {
        boolean isRelay = result == size.relayOne() || result == size.relayMany();
        out.append(String.format(Locale.ROOT, "| %d KiB | %d | %s | %s | %.1f | %.1f | %.1f | %.0f | %s | %s |%n", kib,
            size.clients(), path,
            result.accepted() + "/" + result.mails() + (result.complete() ? "" : " INCOMPLETE"), result.mailsPerSecond(),
            result.p50Millis(), result.p99Millis(), result.connectionsPer1000(),
            isRelay ? format(ratio(result, size.baselineA())) : (result == size.baselineA() ? "1" : ""),
            isRelay ? format(ratio(result, size.baselineB())) : (result == size.baselineB() ? "1" : "")));
    }

    private double median(String benchmark, int registered) {
        return matcher.stream()
            .filter(result -> result.benchmark().equals(benchmark) && result.registered() == registered)
            .mapToDouble(MatcherCost.Result::medianNanos)
            .findFirst().orElse(Double.NaN);
    }

    private static double ratio(LoadRun.Result result, LoadRun.Result baseline) {
        return result.mailsPerSecond() / baseline.mailsPerSecond();
    }

    private static boolean allComplete(LoadRun.Result... results) {
        for (LoadRun.Result result : results) {
            if (!result.complete()) {
                return false;
            }
        }
        return true;
    }

    private static String format(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String count(int n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1000 && n % 1000 == 0) {
            return n / 1000 + "k";
        }
        return String.valueOf(n);
    }
}
