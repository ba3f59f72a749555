package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

import io.github.outboundrelay.testing.OAuthTestServer;
import io.github.outboundrelay.testing.OAuthTestServerExtension;

/**
 * A whole connect / refresh / revoked / outage sequence at DEBUG: no access token, refresh token, client secret, code
 * verifier or authorization code appears in our logs (the partner server's own loggers aside: it is not our code),
 * in toString of the objects that carry them, or in the failures' messages.
 */
class OAuthSecretsNotShownTest {
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension("alice@partner.test");

    @Test
    void secretsAppearNowhere() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        List<String> shown = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of(OAuthFixtures.CLIENT_SECRET));
        OAuthTestServer server = OAUTH.server();
        try {
            OAuthTokenClient client = OAuthFixtures.client(Clock.systemUTC());
            OAuthProvider provider = OAuthFixtures.provider(server);
            OAuthState state = OAuthState.create();
            Pkce pkce = Pkce.create();
            secrets.add(pkce.verifier());
            java.net.URI callback = server.authorize(client.authorizationRequest(provider, OAuthFixtures.REDIRECT, state, pkce, Optional.empty()));
            String code = OAuthTestServer.queryParameter(callback, "code");
            secrets.add(code);
            TokenGrant connected = client.exchangeCode(provider, code, OAuthFixtures.REDIRECT, pkce);
            secrets.add(connected.accessToken().value());
            secrets.add(connected.refreshToken().orElseThrow());
            OAuthFixtures.MemoryGrant grant = new OAuthFixtures.MemoryGrant("alice", provider, connected.refreshToken().get());
            AccessTokenCache cache = new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN);
            AccessToken cached = cache.get(grant);
            secrets.add(cached.value());
            secrets.addAll(grant.rotations);

            shown.add(provider.toString());
            shown.add(pkce.toString());
            shown.add(state.toString());
            shown.add(connected.toString());
            shown.add(cached.toString());
            server.revokeGrants(true);
            cache.invalidate(grant, cached);
            shown.add(String.valueOf(catchThrowable(() -> cache.get(grant))));
            server.revokeGrants(false).failTokenRequests(true);
            shown.add(String.valueOf(catchThrowable(() -> client.refresh(provider, grant.refreshToken()))));
        } finally {
            root.detachAppender(logs);
            root.setLevel(level);
        }
        for (ILoggingEvent event : logs.list) {
            if (event.getLoggerName().startsWith("no.nav.") || event.getLoggerName().startsWith("mockwebserver")
                || event.getLoggerName().startsWith("okhttp3")) {
                continue; // the partner's authorization server logging its own traffic
            }
            shown.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                shown.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(6).allSatisfy(secret -> assertThat(secret).isNotBlank());
        for (String text : shown) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
    }
}
