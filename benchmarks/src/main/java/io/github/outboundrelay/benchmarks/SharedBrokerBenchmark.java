package io.github.outboundrelay.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.github.outboundrelay.server.OutboundRelayServerMain;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.StandaloneActiveMQ;
import io.github.outboundrelay.testing.TestTls;

/**
 * Issue 25, item 5: the price of sharing the queue broker. {@code ./run}'s server (OutboundRelayServerMain) is booted
 * in one run with the same james-conf and the same load on its embedded ActiveMQ broker (KahaDB under its var
 * directory, the one-node default) and on a standalone ActiveMQ broker named by {@code queue.broker.url}
 * (Debian's {@code activemq} as a process of this run, {@link StandaloneActiveMQ}: loopback TCP, credentials, KahaDB).
 * The load is the relay path end to end: submission (STARTTLS + AUTH) from a send-as address, the spool, the
 * {@code outbound-relay} queue, a relay sink requiring STARTTLS + AUTH; both queues are on the broker measured. Each
 * broker is measured twice, in the order embedded, shared, shared, embedded, and the ratio is of the mean throughputs.
 * Arguments as {@link BenchmarkMain}'s ({@code mails}, {@code sizes}, {@code clients}, {@code users}, {@code warmup}).
 *
 * <pre>
 * mvn -pl benchmarks -am verify -DskipTests -Pbenchmarks \
 *     -Dbench.main=io.github.outboundrelay.benchmarks.SharedBrokerBenchmark -Dbench.args="mails=500 clients=8,16"
 * </pre>
 */
public final class SharedBrokerBenchmark {
    private static final List<String> DEFAULTS = List.of("mails=1000", "sizes=1", "clients=8,16", "users=20", "warmup=100");
    private static final String GATEWAY_LOGIN = "gateway@ourdomain.test";
    private static final String GATEWAY_PASSWORD = "gateway-secret";

    /** One body size at one number of client threads: each broker's two runs. */
    record Row(int kib, int clients, List<LoadRun.Result> embedded, List<LoadRun.Result> shared) {
        double sharedOverEmbedded() {
            return meanMailsPerSecond(shared) / meanMailsPerSecond(embedded);
        }
    }

    private SharedBrokerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(DEFAULTS);
        for (String arg : args) {
            arguments.addAll(List.of(arg.trim().split("\\s+")));
        }
        BenchmarkSettings settings = BenchmarkSettings.parse(arguments.toArray(String[]::new));
        List<Row> rows = run(settings, System.out);
        System.out.println(table(settings, rows));
        // James and the sinks leave non-daemon threads behind.
        System.exit(0);
    }

    static List<Row> run(BenchmarkSettings settings, PrintStream log) throws Exception {
        log.println("[bench] shared broker against embedded broker: " + settings.mails() + " mails per figure, sizes "
            + settings.sizesKib() + " KiB, clients " + settings.clients() + ", " + settings.users() + " users, "
            + Runtime.getRuntime().availableProcessors() + " processors");
        Path brokerDirectory = Files.createTempDirectory("outbound-relay-bench-activemq");
        try (StandaloneActiveMQ broker = StandaloneActiveMQ.startNew(brokerDirectory)) {
            List<String[]> sharedBroker = List.of(
                new String[] {"outbound-relay.properties", "\n#queue.broker.url=\n", "\nqueue.broker.url=" + broker.url() + "\n"},
                new String[] {"outbound-relay.properties", "\n#queue.broker.username=\n", "\nqueue.broker.username=" + StandaloneActiveMQ.USER + "\n"},
                new String[] {"outbound-relay.properties", "\n#queue.broker.password=\n", "\nqueue.broker.password=" + StandaloneActiveMQ.PASSWORD + "\n"});
            // A B B A: what the JVM and the machine warm up (or a neighbour's load) weighs on both brokers alike.
            List<LoadRun.Result> embeddedFirst = measure(settings, log, "embedded broker", List.of());
            List<LoadRun.Result> sharedFirst = measure(settings, log, "shared broker", sharedBroker);
            List<LoadRun.Result> sharedSecond = measure(settings, log, "shared broker", sharedBroker);
            List<LoadRun.Result> embeddedSecond = measure(settings, log, "embedded broker", List.of());
            List<Row> rows = new ArrayList<>();
            int index = 0;
            for (int kib : settings.sizesKib()) {
                for (int clients : settings.clients()) {
                    rows.add(new Row(kib, clients, List.of(embeddedFirst.get(index), embeddedSecond.get(index)),
                        List.of(sharedFirst.get(index), sharedSecond.get(index))));
                    index++;
                }
            }
            return rows;
        } finally {
            deleteQuietly(brokerDirectory);
        }
    }

    /** Boots ./run's server with {@code brokerEdits}, then one figure per size and number of clients, in that order. */
    private static List<LoadRun.Result> measure(BenchmarkSettings settings, PrintStream log, String broker,
                                                List<String[]> brokerEdits) throws Exception {
        List<String[]> edits = new ArrayList<>(brokerEdits);
        edits.add(new String[] {"jmap.properties", "jmap.port=8001", "jmap.port=" + SmtpPeer.freePort()});
        log.println("[bench] booting ./run's server on the " + broker + " ...");
        List<LoadRun.Result> results = new ArrayList<>();
        try (BenchSink gateway = new BenchSink().acceptCredentials(GATEWAY_LOGIN, GATEWAY_PASSWORD);
             BenchSink relay = new BenchSink();
             BenchJames james = BenchJames.boot(gateway, GATEWAY_LOGIN, GATEWAY_PASSWORD, TestTls.trustStorePath().toString(),
                 TestTls.trustStorePassword(), settings, OutboundRelayServerMain::createServer, edits)) {
            james.allowDomain(true);
            for (int user = 0; user < settings.users(); user++) {
                james.addUser(localPart(user));
                relay.acceptCredentials(sendAs(user), relayPassword(user));
                james.registerSendAs(localPart(user) + "@" + BenchJames.DOMAIN, sendAs(user), relay, sendAs(user), relayPassword(user));
            }
            int port = james.submissionPort();
            for (int kib : settings.sizesKib()) {
                String body = SubmissionClient.body(kib * 1024);
                LoadRun.Submitter submitter = (index, id) -> {
                    int user = index % settings.users();
                    SubmissionClient.send(port, localPart(user) + "@" + BenchJames.DOMAIN, BenchJames.PASSWORD, sendAs(user), id, body);
                };
                if (settings.warmup() > 0) {
                    LoadRun.run("warm-up", settings.warmup(), settings.clients().get(0), List.of(relay), submitter);
                }
                for (int clients : settings.clients()) {
                    LoadRun.Result result = LoadRun.run(broker + ", " + kib + " KiB, " + clients + " clients", settings.mails(),
                        clients, List.of(relay), submitter);
                    log.printf(Locale.ROOT, "[bench] %-40s %5d/%d accepted in %7.2f s: %8.1f mails/s, p50 %8.1f ms, p99 %8.1f ms%s%n",
                        result.name(), result.accepted(), result.mails(), result.seconds(), result.mailsPerSecond(),
                        result.p50Millis(), result.p99Millis(), result.firstError() == null ? ""
                            : " (" + result.failedSubmissions() + " submissions failed, first: " + result.firstError() + ")");
                    results.add(result);
                }
            }
        }
        return results;
    }

    static String table(BenchmarkSettings settings, List<Row> rows) {
        StringBuilder table = new StringBuilder()
            .append("### Relay path on the shared broker against the embedded one (").append(settings.mails())
            .append(" mails per run, ").append(settings.users()).append(" users, 1 relay; order embedded, shared, shared, embedded)\n\n")
            .append("| body | clients | embedded: mails/s, mean (runs) | p50 / p99 ms (runs) | shared: mails/s, mean (runs) | p50 / p99 ms (runs) | shared / embedded |\n")
            .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row row : rows) {
            table.append(String.format(Locale.ROOT, "| %d KiB | %d | %s | %s | %s | %s | %.2f |%n", row.kib(), row.clients(),
                throughput(row.embedded()), latencies(row.embedded()), throughput(row.shared()), latencies(row.shared()),
                row.sharedOverEmbedded()));
        }
        return table.toString();
    }

    private static double meanMailsPerSecond(List<LoadRun.Result> runs) {
        return runs.stream().mapToDouble(LoadRun.Result::mailsPerSecond).average().orElse(Double.NaN);
    }

    private static String throughput(List<LoadRun.Result> runs) {
        return String.format(Locale.ROOT, "%.1f (", meanMailsPerSecond(runs)) + String.join(", ", runs.stream()
            .map(run -> String.format(Locale.ROOT, "%.1f", run.mailsPerSecond())
                + (run.complete() ? "" : " with " + run.accepted() + "/" + run.mails() + " accepted"))
            .toList()) + ")";
    }

    private static String latencies(List<LoadRun.Result> runs) {
        return String.join(", ", runs.stream()
            .map(run -> String.format(Locale.ROOT, "%.0f / %.0f", run.p50Millis(), run.p99Millis())).toList());
    }

    private static String localPart(int user) {
        return String.format(Locale.ROOT, "user%03d", user);
    }

    private static String sendAs(int user) {
        return localPart(user) + "@partner.test";
    }

    private static String relayPassword(int user) {
        return "relay-secret-" + user;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
