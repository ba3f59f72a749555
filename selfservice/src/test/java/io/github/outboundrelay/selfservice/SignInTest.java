package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignInTest {
    SessionsTest.MovableClock clock = new SessionsTest.MovableClock();
    SignIn signIn;

    @BeforeEach
    void setUp() throws Exception {
        MemoryDomainList domains = new MemoryDomainList(new InMemoryDNSService());
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("ourdomain.test"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(Username.of("alice@ourdomain.test"), "secret");
        signIn = new SignIn(users, new SelfServiceConfiguration(true, "127.0.0.1", 0, "k", "p", Duration.ofMinutes(30),
            3, 10, Duration.ofMinutes(15), java.util.Optional.empty()), clock);
    }

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
}
