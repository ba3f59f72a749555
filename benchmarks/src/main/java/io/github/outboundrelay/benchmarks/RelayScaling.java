package io.github.outboundrelay.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.outboundrelay.testing.TestTls;

/**
 * The scaling table of issue 24: how throughput and connections grow with the work, so that an admin sees what more
 * accounts or more partner relays cost. In one booted James: the stock path once (its throughput, the reference), then
 * the outbound relay with 1, 10, 100 and 1000 accounts on one relay, and with 1, 10 and 100 relays of 10 accounts
 * each. Every mail is 1 KiB; user i sends mail i mod accounts, the worst order for reuse (each account comes back
 * only after all the others).
 */
final class RelayScaling {
    static final List<Integer> ACCOUNTS_ON_ONE_RELAY = List.of(1, 10, 100, 1000);
    static final List<Integer> RELAYS = List.of(1, 10, 100);
    static final int ACCOUNTS_PER_RELAY_WHEN_RELAYS_GROW = 10;

    /** One row: {@code relays} relays with {@code accountsPerRelay} accounts each. */
    record Row(int relays, int accountsPerRelay, LoadRun.Result result, int mostOpenToOneRelay) {
    }

    record Results(LoadRun.Result stock, List<Row> rows) {
    }

    private final BenchmarkSettings settings;
    private final PrintStream log;

    RelayScaling(BenchmarkSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    Results run() throws Exception {
        int users = Math.max(ACCOUNTS_ON_ONE_RELAY.get(ACCOUNTS_ON_ONE_RELAY.size() - 1),
            RELAYS.get(RELAYS.size() - 1) * ACCOUNTS_PER_RELAY_WHEN_RELAYS_GROW);
        BenchSink gateway = new BenchSink().acceptCredentials(RelayThroughput.GATEWAY_LOGIN, RelayThroughput.GATEWAY_PASSWORD);
        log.println("[bench] scaling: booting James, " + users + " users ...");
        try (BenchJames james = BenchJames.boot(gateway, RelayThroughput.GATEWAY_LOGIN, RelayThroughput.GATEWAY_PASSWORD,
            TestTls.trustStorePath().toString(), TestTls.trustStorePassword(), settings)) {
            for (int user = 0; user < users; user++) {
                james.addUser(localPart(user));
            }
            james.allowDomain(true);
            String body = SubmissionClient.body(1024);
            int clients = settings.clients().get(settings.clients().size() / 2);
            if (settings.warmup() > 0) {
                shape(james, body, 1, 100, settings.warmup(), clients, "scaling warm-up");
            }
            int port = james.submissionPort();
            LoadRun.Result stock = report(LoadRun.run("scaling: A, stock RemoteDelivery, 100 users", settings.scalingMails(),
                clients, List.of(gateway), (index, id) -> {
                    int user = index % 100;
                    SubmissionClient.send(port, localUser(user), BenchJames.PASSWORD, localUser(user), id, body);
                }), 0);
            List<Row> rows = new ArrayList<>();
            for (int accounts : ACCOUNTS_ON_ONE_RELAY) {
                rows.add(shape(james, body, 1, accounts, settings.scalingMails(), clients, "scaling"));
            }
            for (int relays : RELAYS) {
                rows.add(shape(james, body, relays, ACCOUNTS_PER_RELAY_WHEN_RELAYS_GROW, settings.scalingMails(), clients, "scaling"));
            }
            return new Results(stock, rows);
        } finally {
            gateway.close();
        }
    }

    /** {@code relays} fresh sinks, user i on sink i mod relays, users 0 .. relays x accountsPerRelay - 1 sending in turn. */
    private Row shape(BenchJames james, String body, int relays, int accountsPerRelay, int mails, int clients, String label)
            throws Exception {
        int accounts = relays * accountsPerRelay;
        List<BenchSink> sinks = new ArrayList<>();
        try {
            for (int i = 0; i < relays; i++) {
                BenchSink sink = new BenchSink();
                for (int user = i; user < accounts; user += relays) {
                    sink.acceptCredentials(sendAs(user), relayPassword(user));
                }
                sinks.add(sink);
            }
            for (int user = 0; user < accounts; user++) {
                james.registerSendAs(localUser(user), sendAs(user), sinks.get(user % relays), sendAs(user), relayPassword(user));
            }
            int port = james.submissionPort();
            LoadRun.Result result = LoadRun.run(String.format(Locale.ROOT, "%s: %d relay(s) x %d account(s)", label, relays,
                accountsPerRelay), mails, clients, sinks, (index, id) -> {
                    int user = index % accounts;
                    SubmissionClient.send(port, localUser(user), BenchJames.PASSWORD, sendAs(user), id, body);
                });
            int mostOpen = sinks.stream().mapToInt(BenchSink::mostOpenAtOnce).max().orElse(0);
            return new Row(relays, accountsPerRelay, report(result, mostOpen), mostOpen);
        } finally {
            sinks.forEach(BenchSink::close);
        }
    }

    private LoadRun.Result report(LoadRun.Result result, int mostOpen) {
        log.printf(Locale.ROOT, "[bench] %-50s %5d/%d accepted: %8.1f mails/s, p99 %8.1f ms, %d connections (%.0f per 1000),"
                + " at most %d open to one relay%n", result.name(), result.accepted(), result.mails(), result.mailsPerSecond(),
            result.p99Millis(), result.connections(), result.connectionsPer1000(), mostOpen);
        return result;
    }

    private static String localPart(int user) {
        return String.format(Locale.ROOT, "scale%04d", user);
    }

    private static String localUser(int user) {
        return localPart(user) + "@" + BenchJames.DOMAIN;
    }

    private static String sendAs(int user) {
        return localPart(user) + "@partner.test";
    }

    private static String relayPassword(int user) {
        return "relay-secret-" + user;
    }
}
