package io.github.outboundrelay.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.outboundrelay.testing.TestTls;

/**
 * Parts 1 and 4 of issue 6 in one booted James: for each body size and each number of client threads, baseline B (the
 * client straight to a sink), baseline A (James's stock path: RemoteDelivery to its gateway, the sink), then the
 * outbound relay on 1 and on k relays; then the connections one relay+credential sees per 1000 mails. Every sink is a
 * {@link BenchSink}: a real SMTP server requiring STARTTLS and AUTH that reads DATA in blocks and keeps only the mail's
 * id, so that its own cost does not starve the James under test; a mail's acceptance is stamped when the sink writes
 * its 250. Each scenario gets fresh sinks (the gateway excepted: RemoteDelivery reads its address once, at start-up).
 */
final class RelayThroughput {
    static final String GATEWAY_LOGIN = "gateway@ourdomain.test";
    static final String GATEWAY_PASSWORD = "gateway-secret";

    /** The four paths for one body size at one number of client threads. */
    record SizeResults(int kib, int clients, LoadRun.Result baselineB, LoadRun.Result baselineA, LoadRun.Result relayOne,
                       LoadRun.Result relayMany, int relays) {
    }

    record Results(List<SizeResults> sizes, LoadRun.Result reuse) {
    }

    private final BenchmarkSettings settings;
    private final PrintStream log;
    private final List<String> users = new ArrayList<>();

    RelayThroughput(BenchmarkSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
        for (int i = 0; i < settings.users(); i++) {
            users.add(String.format(Locale.ROOT, "user%03d", i));
        }
    }

    private String localUser(int user) {
        return users.get(user) + "@" + BenchJames.DOMAIN;
    }

    private String sendAs(int user) {
        return users.get(user) + "@partner.test";
    }

    private String relayLogin(int user) {
        return sendAs(user);
    }

    private String relayPassword(int user) {
        return "relay-secret-" + user;
    }

    private int userOf(int mail) {
        return mail % users.size();
    }

    /** A sink like a partner's submission server: STARTTLS then AUTH required, every user's relay login accepted. */
    private BenchSink sink() {
        BenchSink sink = new BenchSink();
        for (int user = 0; user < users.size(); user++) {
            sink.acceptCredentials(relayLogin(user), relayPassword(user));
        }
        return sink;
    }

    Results run() throws Exception {
        BenchSink gateway = new BenchSink().acceptCredentials(GATEWAY_LOGIN, GATEWAY_PASSWORD);
        log.println("[bench] booting James from james-conf ...");
        try (BenchJames james = BenchJames.boot(gateway, GATEWAY_LOGIN, GATEWAY_PASSWORD,
            TestTls.trustStorePath().toString(), TestTls.trustStorePassword(), settings)) {
            for (int user = 0; user < users.size(); user++) {
                james.addUser(users.get(user));
            }
            james.allowDomain(true);
            List<SizeResults> sizes = new ArrayList<>();
            int firstClients = settings.clients().get(0);
            for (int kib : settings.sizesKib()) {
                String body = SubmissionClient.body(kib * 1024);
                if (settings.warmup() > 0) {
                    log.println("[bench] warm-up, " + kib + " KiB: " + settings.warmup() + " mails per path");
                    direct(body, settings.warmup(), firstClients, "warm-up B");
                    stock(james, gateway, body, settings.warmup(), firstClients, "warm-up A");
                    relayed(james, body, settings.warmup(), settings.relays(), firstClients, "warm-up relay");
                }
                // Each path at each concurrency: a path's capacity is its best throughput, which needs enough clients
                // to keep the machine busy, and too many can slow a path down.
                for (int clients : settings.clients()) {
                    String prefix = kib + " KiB, " + clients + " clients: ";
                    LoadRun.Result b = report(direct(body, settings.mails(), clients, prefix + "baseline B (client -> sink)"));
                    LoadRun.Result a = report(stock(james, gateway, body, settings.mails(), clients,
                        prefix + "baseline A (stock RemoteDelivery -> gateway)"));
                    LoadRun.Result one = report(relayed(james, body, settings.mails(), 1, clients, prefix + "outbound relay, 1 relay"));
                    LoadRun.Result many = report(relayed(james, body, settings.mails(), settings.relays(), clients,
                        prefix + "outbound relay, " + settings.relays() + " relays"));
                    sizes.add(new SizeResults(kib, clients, b, a, one, many, settings.relays()));
                }
            }
            LoadRun.Result reuse = settings.reuseMails() > 0 ? report(reuse(james)) : null;
            return new Results(sizes, reuse);
        } finally {
            gateway.close();
        }
    }

    private LoadRun.Result report(LoadRun.Result result) {
        log.printf(Locale.ROOT, "[bench] %-60s %5d/%d accepted in %7.2f s: %8.1f mails/s, p50 %8.1f ms, p99 %8.1f ms, %d connections%s%n",
            result.name(), result.accepted(), result.mails(), result.seconds(), result.mailsPerSecond(), result.p50Millis(),
            result.p99Millis(), result.connections(), result.firstError() == null ? "" : " (" + result.failedSubmissions()
                + " submissions failed, first: " + result.firstError() + ")");
        System.gc();
        return result;
    }

    /** Baseline B: the same client, each user logging in to the sink with its relay credentials. */
    private LoadRun.Result direct(String body, int mails, int clients, String name) throws Exception {
        try (BenchSink sink = sink()) {
            return LoadRun.run(name, mails, clients, List.of(sink), (index, id) -> {
                int user = userOf(index);
                SubmissionClient.send(sink.port(), relayLogin(user), relayPassword(user), sendAs(user), id, body);
            });
        }
    }

    /** Baseline A: users submit from their primary address, which takes the relay processor's RemoteDelivery. */
    private LoadRun.Result stock(BenchJames james, BenchSink gateway, String body, int mails, int clients, String name)
            throws Exception {
        int port = james.submissionPort();
        return LoadRun.run(name, mails, clients, List.of(gateway), (index, id) -> {
            int user = userOf(index);
            SubmissionClient.send(port, localUser(user), BenchJames.PASSWORD, localUser(user), id, body);
        });
    }

    /** The outbound relay: users submit from their send-as address; user i's relay is sink i mod k. */
    private LoadRun.Result relayed(BenchJames james, String body, int mails, int relays, int clients, String name)
            throws Exception {
        List<BenchSink> sinks = new ArrayList<>();
        try {
            for (int i = 0; i < relays; i++) {
                sinks.add(sink());
            }
            for (int user = 0; user < users.size(); user++) {
                james.registerSendAs(localUser(user), sendAs(user), sinks.get(user % relays), relayLogin(user), relayPassword(user));
            }
            int port = james.submissionPort();
            return LoadRun.run(name, mails, clients, sinks, (index, id) -> {
                int user = userOf(index);
                SubmissionClient.send(port, localUser(user), BenchJames.PASSWORD, sendAs(user), id, body);
            });
        } finally {
            sinks.forEach(BenchSink::close);
        }
    }

    /** Part 4: one user, one send-as address, one relay and one credential. */
    private LoadRun.Result reuse(BenchJames james) throws Exception {
        try (BenchSink sink = sink()) {
            james.registerSendAs(localUser(0), sendAs(0), sink, relayLogin(0), relayPassword(0));
            int port = james.submissionPort();
            String body = SubmissionClient.body(1024);
            return LoadRun.run("connection reuse: " + settings.reuseMails() + " mails, 1 relay + 1 credential",
                settings.reuseMails(), settings.clients().get(0), List.of(sink),
                (index, id) -> SubmissionClient.send(port, localUser(0), BenchJames.PASSWORD, sendAs(0), id, body));
        }
    }
}
