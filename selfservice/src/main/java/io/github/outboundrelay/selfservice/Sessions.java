package io.github.outboundrelay.selfservice;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.Username;

/**
 * Signed-in sessions, kept on the server: the cookie holds only a random id (256 bits). A session ends on sign-out or
 * after {@code idle} without a request; signing in always opens a new one (no session fixation). Each session has
 * its own CSRF token, which every state-changing request must echo.
 */
final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    static final class Session {
        private final String id;
        private final Username user;
        private final String csrfToken;
        private volatile Instant lastSeen;
        private volatile String notice = "";
        private volatile String alert = "";

        private Session(String id, Username user, String csrfToken, Instant lastSeen) {
            this.id = id;
            this.user = user;
            this.csrfToken = csrfToken;
            this.lastSeen = lastSeen;
        }

        String id() {
            return id;
        }

        Username user() {
            return user;
        }

        String csrfToken() {
            return csrfToken;
        }

        /** A message for the next page shown (after a redirect), read once. */
        String takeNotice() {
            String taken = notice;
            notice = "";
            return taken;
        }

        void notice(String text) {
            notice = text;
        }

        /** A failure to show on the next page (after a redirect, e.g. back from an OAuth provider), read once. */
        String takeAlert() {
            String taken = alert;
            alert = "";
            return taken;
        }

        void alert(String text) {
            alert = text;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Clock clock;

    Sessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    Session open(Username user) {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> isExpired(session, now));
        Session session = new Session(randomToken(), user, randomToken(), now);
        sessions.put(session.id(), session);
        return session;
    }

    Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null || isExpired(session, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.lastSeen = now;
        return Optional.of(session);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    Duration idle() {
        return idle;
    }

    private boolean isExpired(Session session, Instant now) {
        return session.lastSeen.plus(idle).isBefore(now);
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
