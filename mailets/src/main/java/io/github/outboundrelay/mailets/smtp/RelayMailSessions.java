package io.github.outboundrelay.mailets.smtp;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Supplier;

import javax.mail.Session;

import io.github.outboundrelay.core.RelaySecurity;

/**
 * javax.mail sessions for relay connections, recycled. {@code Session.getInstance} reads every
 * {@code javamail.providers} and {@code javamail.address.map} file on the class path (James's holds hundreds of jars):
 * profiled in the benchmark's client, a third of the CPU of the connection's TLS handshake. A session carries one
 * connection at a time ({@link RelayTransport} sets {@code mail.smtp.from} on it before each mail), so when a
 * connection closes its session comes back here, cleared of that sender, for the next connection to the same relay
 * host in the same TLS mode (its properties, the certificate check against that host name included, are the same).
 */
final class RelayMailSessions {
    /** Spare sessions kept per relay host and TLS mode; more are simply left to the garbage collector. */
    static final int MAX_SPARE_PER_RELAY = 64;
    /** Relay hosts (and TLS modes) that keep spare sessions. */
    static final int MAX_RELAYS = 1000;

    private record Kind(RelaySecurity security, String hostName) {
    }

    private final Map<Kind, BlockingDeque<Session>> spare = new ConcurrentHashMap<>();

    /** A spare session for that relay host and TLS mode, or a new one made of {@code properties}. */
    Session take(RelaySecurity security, String hostName, Supplier<Properties> properties) {
        BlockingDeque<Session> sessions = spare.get(new Kind(security, hostName));
        Session recycled = sessions == null ? null : sessions.pollFirst();
        return recycled != null ? recycled : Session.getInstance(properties.get());
    }

    /** A transport for one connection, on a session of {@link #take}, given back here when the connection closes. */
    RelayTransport newTransport(RelaySecurity security, String hostName, Supplier<Properties> properties) {
        Session session = take(security, hostName, properties);
        return new RelayTransport(session, () -> giveBack(security, hostName, session));
    }

    /**
     * Takes back the session of a closed connection made by {@link #take} with the same host and TLS mode. Host names
     * are chosen by users: past {@link #MAX_RELAYS} hosts with spare sessions, a new host's session is left to the
     * garbage collector rather than kept.
     */
    void giveBack(RelaySecurity security, String hostName, Session session) {
        session.getProperties().remove("mail.smtp.from");
        Kind kind = new Kind(security, hostName);
        BlockingDeque<Session> sessions = spare.get(kind);
        if (sessions == null && spare.size() >= MAX_RELAYS) {
            return;
        }
        (sessions != null ? sessions : spareFor(kind)).offerFirst(session);
    }

    int spareCount(RelaySecurity security, String hostName) {
        BlockingDeque<Session> sessions = spare.get(new Kind(security, hostName));
        return sessions == null ? 0 : sessions.size();
    }

    int relayCount() {
        return spare.size();
    }

    private BlockingDeque<Session> spareFor(Kind kind) {
        return spare.computeIfAbsent(kind, ignored -> new LinkedBlockingDeque<>(MAX_SPARE_PER_RELAY));
    }
}
