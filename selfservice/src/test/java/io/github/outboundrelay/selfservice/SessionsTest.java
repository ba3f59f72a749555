package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.api.model.User;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionsTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    static final String PASSWORD = "secret";

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** James's own memory users repository, with alice@ourdomain.test (password {@link #PASSWORD}). */
    static MemoryUsersRepository usersWithAlice() throws Exception {
        MemoryDomainList domains = new MemoryDomainList(new InMemoryDNSService());
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("ourdomain.test"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(ALICE, PASSWORD);
        return users;
    }

    MovableClock clock = new MovableClock();
    MemoryUsersRepository users;
    Sessions sessions;

    @BeforeEach
    void setUp() throws Exception {
        users = usersWithAlice();
        users.addUser(BOB, PASSWORD);
        sessions = new Sessions(SignInTest.CONFIGURATION, users, clock);
    }

    @Test
    void everySignInOpensANewSessionWithItsOwnIdAndToken() {
        Sessions.Session first = sessions.open(ALICE, PASSWORD);
        Sessions.Session second = sessions.open(ALICE, PASSWORD);

        assertThat(second.id()).isNotEqualTo(first.id()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(second.csrfToken()).isNotEqualTo(first.csrfToken()).isNotEqualTo(second.id());
    }

    @Test
    void aSessionEndsAfterItsIdleTimeButEachRequestExtendsIt() {
        String id = sessions.open(ALICE, PASSWORD).id();

        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.find(id)).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.find(id)).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        assertThat(sessions.find(id)).isEmpty();
    }

    @Test
    void signingOutEndsTheSession() {
        String id = sessions.open(ALICE, PASSWORD).id();
        sessions.close(id);

        assertThat(sessions.find(id)).isEmpty();
        assertThat(sessions.find("made-up")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void aSessionInUseStillEndsAtItsLifetime() {
        String id = sessions.open(ALICE, PASSWORD).id();
        for (int minutes = 0; minutes < 12 * 60; minutes += 20) {
            clock.now = clock.now.plus(Duration.ofMinutes(20));
            assertThat(sessions.find(id)).as("after %d minutes", minutes + 20).isPresent();
        }

        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(sessions.find(id)).isEmpty();
    }

    @Test
    void pastTheCapPerUserTheOldestSessionEnds() {
        List<String> alices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alices.add(sessions.open(ALICE, PASSWORD).id());
        }
        String bobs = sessions.open(BOB, PASSWORD).id();

        String newest = sessions.open(ALICE, PASSWORD).id();

        assertThat(sessions.find(alices.get(0))).isEmpty();
        assertThat(List.of(alices.get(1), alices.get(2), newest, bobs)).allSatisfy(id -> assertThat(sessions.find(id)).isPresent());
    }

    @Test
    void aPasswordChangedAsWebAdminChangesItEndsTheSessions() throws Exception {
        String first = sessions.open(ALICE, PASSWORD).id();
        String second = sessions.open(ALICE, PASSWORD).id();
        String bobs = sessions.open(BOB, PASSWORD).id();

        // What James's WebAdmin does for PUT /users/alice@ourdomain.test?force (UserService.upsertUser).
        User alice = users.getUserByName(ALICE);
        alice.setPassword("new-secret");
        users.updateUser(alice);

        assertThat(sessions.find(first)).isEmpty();
        assertThat(sessions.find(second)).isEmpty();
        assertThat(sessions.find(bobs)).isPresent();
        assertThat(sessions.find(sessions.open(ALICE, "new-secret").id())).isPresent();
    }

    @Test
    void aDeletedAccountsSessionsEnd() throws Exception {
        String id = sessions.open(ALICE, PASSWORD).id();
        users.removeUser(ALICE);

        assertThat(sessions.find(id)).isEmpty();
    }
}
