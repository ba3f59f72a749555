package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.OAuthTestServerExtension;

/** The access-token cache over the real token client and authorization OAUTH.server(). */
class AccessTokenCacheTest {
    private static final String ALICE = "alice@partner.test";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension(ALICE);

    private final MovableClock clock = new MovableClock();
    private final OAuthTokenClient client = OAuthFixtures.client(clock);
    private final AccessTokenCache cache = new AccessTokenCache(client, clock, AccessTokenCache.DEFAULT_MARGIN);
    private OAuthFixtures.MemoryGrant grant;

    @BeforeEach
    void connect() throws Exception {
        OAuthProvider provider = OAuthFixtures.provider(OAUTH.server());
        TokenGrant connected = OAuthFixtures.connect(OAUTH.server(), client, provider);
        grant = new OAuthFixtures.MemoryGrant(ALICE, provider, connected.refreshToken().orElseThrow());
    }

    @Test
    void tokenIsReusedUntilShortlyBeforeExpiryThenRefreshedAndTheRotatedRefreshTokenKept() throws Exception {
        int before = OAUTH.server().tokensIssued("refresh_token");
        String firstRefreshToken = grant.refreshToken();

        AccessToken first = cache.get(grant);
        assertThat(cache.get(grant)).isSameAs(first);
        clock.advance(Duration.ofMinutes(57));
        assertThat(cache.get(grant)).isSameAs(first);
        assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(before + 1);
        assertThat(grant.rotations).hasSize(1);

        clock.advance(Duration.ofMinutes(2)); // 59 min: inside the 2-minute margin of the 60-minute token
        AccessToken second = cache.get(grant);
        assertThat(second.value()).isNotEqualTo(first.value());
        assertThat(OAUTH.server().validator().validate(second.value())).isEqualTo(ALICE);
        assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(before + 2);
        assertThat(grant.rotations).hasSize(2).doesNotContain(firstRefreshToken);
        assertThat(grant.refreshToken()).isEqualTo(grant.rotations.get(1));
    }

    @Test
    void manyThreadsNeedingATokenCauseOneRefresh() throws Exception {
        int before = OAUTH.server().tokensIssued("refresh_token");
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AccessToken>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit((Callable<AccessToken>) () -> {
                    start.await();
                    return cache.get(grant);
                }));
            }
            start.countDown();
            Set<String> tokens = ConcurrentHashMap.newKeySet();
            for (Future<AccessToken> result : results) {
                tokens.add(result.get(10, TimeUnit.SECONDS).value());
            }
            assertThat(tokens).hasSize(1);
            assertThat(OAUTH.server().tokensIssued("refresh_token")).isEqualTo(before + 1);
            assertThat(grant.rotations).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokedGrantFailsAsReconnectNeededAndIsNotAskedAgainUntilReconnected() throws Exception {
        OAUTH.server().revokeGrants(true);
        int refusedBefore = OAUTH.server().tokenRequestsRefused();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cache.get(grant)).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.RECONNECT_NEEDED));
        }
        assertThat(OAUTH.server().tokenRequestsRefused()).isEqualTo(refusedBefore + 1);
        assertThat(cache.reconnectNeeded(grant.key())).isTrue();

        // Reconnected elsewhere (another node stored the new refresh token): this cache was not told, and learns it
        // from the next refresh that works.
        OAUTH.server().revokeGrants(false);
        TokenGrant reconnected = OAuthFixtures.connect(OAUTH.server(), client, grant.provider());
        grant.refreshToken.set(reconnected.refreshToken().orElseThrow());
        assertThat(OAUTH.server().validator().validate(cache.get(grant).value())).isEqualTo(ALICE);
        assertThat(cache.reconnectNeeded(grant.key())).isFalse();
    }

    @Test
    void outageIsTemporaryAndTheNextRequestTriesAgain() throws Exception {
        OAUTH.server().failTokenRequests(true);
        assertThatThrownBy(() -> cache.get(grant)).isInstanceOfSatisfying(OAuthException.class,
            e -> assertThat(e.kind()).isEqualTo(OAuthException.Kind.TEMPORARY));

        OAUTH.server().failTokenRequests(false);
        assertThat(OAUTH.server().validator().validate(cache.get(grant).value())).isEqualTo(ALICE);
    }

    @Test
    void aTokenTheRelayRefusedIsReplacedByAFreshOne() throws Exception {
        AccessToken refused = cache.get(grant);
        cache.invalidate(grant, refused);
        AccessToken fresh = cache.get(grant);
        assertThat(fresh.value()).isNotEqualTo(refused.value());

        cache.invalidate(grant, refused); // a late report about the old token keeps the fresh one
        assertThat(cache.get(grant)).isSameAs(fresh);
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
