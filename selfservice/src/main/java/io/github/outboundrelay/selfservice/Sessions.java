package io.github.outboundrelay.selfservice;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.KeyGenerator;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;

import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretSealer;

/**
 * Signed-in sessions, kept on the server: the cookie holds only a random id (256 bits). Signing in always opens a new
 * one (no session fixation). Each session has its own CSRF token, which every state-changing request must echo.
 *
 * <p>A session ends on sign-out, after {@code session.idle.minutes} without a request, {@code session.lifetime.hours}
 * after sign-in whatever its use, when its user signs in more than {@code session.max.per.user} times (the oldest
 * ends), and as soon as the password it was opened with no longer signs its user in: changed (James's WebAdmin
 * {@code PUT /users/{user}?force}, the CLI, LDAP) or the account deleted. James 3.8.1 tells an extension of neither
 * (its users repository has no events, and a {@code User} shows no password hash through its interface), so each
 * request checks the password with {@link UsersRepository#test}, as HTTP Basic does: the session keeps it sealed
 * (AES-GCM, bound to the session id) under a key that exists only in this JVM's memory, made at start. (An account
 * deleted and re-created with the same password between two requests cannot be told apart.)</p>
 */
final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    static final class Session {
        private final String id;
        private final Username user;
        private final String csrfToken;
        private final Instant openedAt;
        private final long serial;
        private final SealedSecret password;
        private volatile Instant lastSeen;
        private volatile String notice = "";
        private volatile String alert = "";

        private Session(String id, Username user, String csrfToken, Instant openedAt, long serial, SealedSecret password) {
            this.id = id;
            this.user = user;
            this.csrfToken = csrfToken;
            this.openedAt = openedAt;
            this.serial = serial;
            this.password = password;
            this.lastSeen = openedAt;
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
    private final Duration lifetime;
    private final int perUser;
    private final UsersRepository users;
    private final SecretSealer sealer = inMemorySealer();
    private final Clock clock;
    private long opened;

    Sessions(SelfServiceConfiguration configuration, UsersRepository users, Clock clock) {
        this.idle = configuration.sessionIdle();
        this.lifetime = configuration.sessionLifetime();
        this.perUser = configuration.sessionsPerUser();
        this.users = users;
        this.clock = clock;
    }

    /** A new session for {@code user}, who has just signed in with {@code password}; their oldest ones end past the cap. */
    synchronized Session open(Username user, String password) {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> isExpired(session, now));
        List<Session> own = sessions.values().stream().filter(session -> session.user().equals(user))
            .sorted(Comparator.comparingLong(session -> session.serial)).toList();
        own.subList(0, Math.max(0, own.size() - perUser + 1)).forEach(session -> sessions.remove(session.id()));
        String id = randomToken();
        Session session = new Session(id, user, randomToken(), now, ++opened, sealer.seal(password, id));
        sessions.put(id, session);
        return session;
    }

    /**
     * @return the session, when it has neither expired nor lost its password (each call checks it against James)
     * @throws IllegalStateException when James's users repository cannot be read (the session is kept)
     */
    Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null || isExpired(session, now) || !signsIn(session)) {
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

    private boolean isExpired(Session session, Instant now) {
        return session.lastSeen.plus(idle).isBefore(now) || session.openedAt.plus(lifetime).isBefore(now);
    }

    /** The password the session was opened with still signs its user in: neither changed nor the account deleted. */
    private boolean signsIn(Session session) {
        try {
            return users.test(session.user(), sealer.open(session.password, session.id()));
        } catch (UsersRepositoryException e) {
            throw new IllegalStateException("Cannot read the users repository", e);
        }
    }

    private static SecretSealer inMemorySealer() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            return new AesGcmSecretSealer(Map.of("session", generator.generateKey()), "session");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No AES-256 in this JVM", e);
        }
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
