package io.github.outboundrelay.selfservice;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.settings.SlidingWindowLimit;

/**
 * Checks a user's James password (the one of SMTP and IMAP) through James's {@link UsersRepository}, with failed
 * attempts throttled per account name and per client address. An unknown user and a wrong password get the very same
 * answer, and so does a throttled one whether or not the account exists: the page cannot be used to find accounts.
 */
final class SignIn {
    private static final Logger LOGGER = LoggerFactory.getLogger(SignIn.class);
    static final String WRONG = "Wrong email address or password.";

    /** Too many failed sign-ins for this account or from this address: try again later. */
    static final class ThrottledException extends RuntimeException {
        ThrottledException(String message) {
            super(message);
        }
    }

    private final UsersRepository users;
    private final SlidingWindowLimit perAccount;
    private final SlidingWindowLimit perAddress;
    private final long windowMinutes;

    SignIn(UsersRepository users, SelfServiceConfiguration conf, Clock clock) {
        this.users = users;
        this.perAccount = new SlidingWindowLimit(conf.failuresPerAccount(), conf.failureWindow(), clock);
        this.perAddress = new SlidingWindowLimit(conf.failuresPerAddress(), conf.failureWindow(), clock);
        this.windowMinutes = conf.failureWindow().toMinutes();
    }

    /**
     * The attempt is counted before the password is checked, in the same step as the limit's check, so that
     * concurrent attempts cannot all pass a check made before any of them was counted; a right password (or a failure
     * of the users repository) gives its count back. When the counters cannot take one more account or address (their
     * maps are full of fresh entries), the attempt is refused, not left uncounted.
     *
     * @return the user when the password is right; empty otherwise (the failure stays counted)
     * @throws ThrottledException when too many sign-ins failed for that account or from that address
     */
    Optional<Username> authenticate(String login, String password, String clientAddress) {
        String account = login == null ? "" : login.trim().toLowerCase(Locale.ROOT);
        if (!perAccount.tryAcquire(account)) {
            throw throttled();
        }
        if (!perAddress.tryAcquire(clientAddress)) {
            perAccount.release(account);
            throw throttled();
        }
        Optional<Username> user;
        try {
            user = check(account, password);
        } catch (RuntimeException e) {
            release(account, clientAddress);
            throw e;
        }
        if (user.isPresent()) {
            release(account, clientAddress);
        } else {
            LOGGER.info("outbound-relay self-service: failed sign-in from {}", clientAddress);
        }
        return user;
    }

    private void release(String account, String clientAddress) {
        perAccount.release(account);
        perAddress.release(clientAddress);
    }

    private ThrottledException throttled() {
        return new ThrottledException("Too many failed sign-ins: wait " + windowMinutes + " minutes, then try again.");
    }

    private Optional<Username> check(String account, String password) {
        if (account.isEmpty() || password == null || password.isEmpty()) {
            return Optional.empty();
        }
        try {
            Username user = Username.of(account);
            return users.test(user, password) ? Optional.of(user) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        } catch (UsersRepositoryException e) {
            throw new IllegalStateException("Cannot read the users repository", e);
        }
    }
}
