package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.settings.SlidingWindowLimit;

class SignInTest {
    SessionsTest.MovableClock clock = new SessionsTest.MovableClock();
    SignIn signIn;

    @BeforeEach
    void setUp() throws Exception {
        signIn = new SignIn(SessionsTest.usersWithAlice(), CONFIGURATION, clock);
    }

    static final SelfServiceConfiguration CONFIGURATION = new SelfServiceConfiguration(true, "127.0.0.1", 0, "k", "p",
        Duration.ofMinutes(30), 3, 10, Duration.ofMinutes(15), java.util.Optional.empty(), Duration.ofHours(12), 3);

    @Test
    void theJamesPasswordSignsIn() {
        assertThat(signIn.authenticate("Alice@ourdomain.test", "secret", "192.0.2.1")).contains(Username.of("alice@ourdomain.test"));
        assertThat(signIn.authenticate("alice@ourdomain.test", "wrong", "192.0.2.1")).isEmpty();
        assertThat(signIn.authenticate("nobody@ourdomain.test", "secret", "192.0.2.1")).isEmpty();
        assertThat(signIn.authenticate("not an address", "secret", "192.0.2.1")).isEmpty();
    }

    @Test
    void afterTooManyFailuresForAnAccountEvenTheRightPasswordWaitsForTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertThat(signIn.authenticate("alice@ourdomain.test", "wrong", "192.0.2." + i)).isEmpty();
        }
        assertThatThrownBy(() -> signIn.authenticate("alice@ourdomain.test", "secret", "192.0.2.99"))
            .isInstanceOf(SignIn.ThrottledException.class).hasMessageContaining("15 minutes");

        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertThat(signIn.authenticate("alice@ourdomain.test", "secret", "192.0.2.99")).isPresent();
    }

    @Test
    void anUnknownAccountIsThrottledExactlyLikeAKnownOne() {
        for (int i = 0; i < 3; i++) {
            signIn.authenticate("nobody@ourdomain.test", "wrong", "192.0.2." + i);
        }
        assertThatThrownBy(() -> signIn.authenticate("nobody@ourdomain.test", "x", "192.0.2.99"))
            .isInstanceOf(SignIn.ThrottledException.class);
    }

    @Test
    void oneClientAddressTryingManyAccountsIsThrottled() {
        for (int i = 0; i < 10; i++) {
            signIn.authenticate("user" + i + "@ourdomain.test", "wrong", "198.51.100.7");
        }
        assertThatThrownBy(() -> signIn.authenticate("alice@ourdomain.test", "secret", "198.51.100.7"))
            .isInstanceOf(SignIn.ThrottledException.class);
        assertThat(signIn.authenticate("alice@ourdomain.test", "secret", "198.51.100.8")).isPresent();
    }

    @Test
    void concurrentAttemptsNeverCheckMorePasswordsThanTheLimit() throws Exception {
        AtomicInteger checked = new AtomicInteger();
        UsersRepository slow = mock(UsersRepository.class);
        when(slow.test(any(), anyString())).thenAnswer(invocation -> {
            checked.incrementAndGet();
            Thread.sleep(300); // every attempt is under way before any of them is over
            return false;
        });
        SignIn racing = new SignIn(slow, CONFIGURATION, clock);
        ExecutorService threads = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger throttled = new AtomicInteger();
        List<Future<?>> attempts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String address = "192.0.2." + i;
            attempts.add(threads.submit(() -> {
                start.await();
                try {
                    racing.authenticate("alice@ourdomain.test", "guess", address);
                } catch (SignIn.ThrottledException e) {
                    throttled.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> attempt : attempts) {
            attempt.get(10, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(checked).hasValue(3);
        assertThat(throttled).hasValue(17);
    }

    @Test
    void whenTheCountersAreFullSignInIsRefusedRatherThanUncounted() {
        for (int i = 0; i < SlidingWindowLimit.MAX_KEYS; i++) {
            signIn.authenticate("user" + i + "@ourdomain.test", "wrong", "2001:db8::" + Integer.toHexString(i));
        }

        // A new account from a new address would be tracked nowhere: its guesses would never be throttled.
        assertThatThrownBy(() -> signIn.authenticate("alice@ourdomain.test", "secret", "203.0.113.1"))
            .isInstanceOf(SignIn.ThrottledException.class);
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertThat(signIn.authenticate("alice@ourdomain.test", "secret", "203.0.113.1")).isPresent();
    }

    @Test
    void aRightPasswordDoesNotUseUpTheAllowance() {
        for (int i = 0; i < 10; i++) {
            assertThat(signIn.authenticate("alice@ourdomain.test", "secret", "192.0.2.1")).isPresent();
        }
        for (int i = 0; i < 2; i++) {
            assertThat(signIn.authenticate("alice@ourdomain.test", "wrong", "192.0.2.1")).isEmpty();
        }
        assertThat(signIn.authenticate("alice@ourdomain.test", "secret", "192.0.2.1")).isPresent();
    }
}
