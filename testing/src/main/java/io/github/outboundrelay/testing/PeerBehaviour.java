package io.github.outboundrelay.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scripted answers of a peer: which credentials it accepts, which recipients it refuses, how many transactions it
 * defers before accepting. Thread-safe, and changeable while the peer runs.
 */
final class PeerBehaviour {
    volatile String username;
    volatile String password;
    volatile boolean rejectAllAuth;
    final Map<String, Reply> refusedRecipients = new ConcurrentHashMap<>();
    final AtomicInteger transactionsToFail = new AtomicInteger();
    volatile Reply transactionFailure = new Reply(451, "4.3.0 Try again later");

    record Reply(int code, String text) {
    }

    boolean accepts(String user, String pass) {
        return !rejectAllAuth && username != null && username.equals(user) && password.equals(pass);
    }
}
