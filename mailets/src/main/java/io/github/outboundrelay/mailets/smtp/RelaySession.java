package io.github.outboundrelay.mailets.smtp;

/**
 * One connected and authenticated relay session, owned by the pool while idle and by one delivery thread while it
 * carries a mail: never by two threads at once.
 */
final class RelaySession {
    private final RelaySessionKey key;
    private final RelayTransport transport;
    private int messagesSent;
    private boolean reused;
    private long idleSinceMillis;

    RelaySession(RelaySessionKey key, RelayTransport transport) {
        this.key = key;
        this.transport = transport;
    }

    RelaySessionKey key() {
        return key;
    }

    RelayTransport transport() {
        return transport;
    }

    void messageSent() {
        messagesSent++;
    }

    int messagesSent() {
        return messagesSent;
    }

    /** Whether this session carried a mail before the current one: only then can it be stale. */
    boolean wasReused() {
        return reused;
    }

    void markIdle(long nowMillis) {
        idleSinceMillis = nowMillis;
        reused = true;
    }

    boolean idleLongerThan(long maxIdleMillis, long nowMillis) {
        return nowMillis - idleSinceMillis >= maxIdleMillis;
    }
}
