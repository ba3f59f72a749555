package io.github.outboundrelay.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scripted answers of a peer: which credentials it accepts, which recipients it refuses, how many transactions it
 * defers before accepting, when it drops a connection. Thread-safe, and changeable while the peer runs.
 */
final class PeerBehaviour {
    /** username to password: a peer can serve several accounts, as a real submission server does. */
    final Map<String, String> credentials = new ConcurrentHashMap<>();
    volatile boolean rejectAllAuth;
    final Map<String, Reply> refusedRecipients = new ConcurrentHashMap<>();
    final AtomicInteger transactionsToFail = new AtomicInteger();
    volatile Reply transactionFailure = new Reply(451, "4.3.0 Try again later");
    /** Close the connection right after the next accepted DATA, as a server with a short idle timeout would. */
    final AtomicBoolean dropAfterNextTransaction = new AtomicBoolean();
    /** Close the connection, without a reply, when the next MAIL FROM arrives. */
    final AtomicBoolean dropOnNextMailFrom = new AtomicBoolean();

    record Reply(int code, String text) {
    }

    boolean accepts(String user, String pass) {
        return !rejectAllAuth && user != null && pass != null && pass.equals(credentials.get(user));
    }
}
