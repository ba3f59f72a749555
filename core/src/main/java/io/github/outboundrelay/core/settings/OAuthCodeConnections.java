package io.github.outboundrelay.core.settings;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.PlainAddress;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthState;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.oauth.Pkce;
import io.github.outboundrelay.core.oauth.TokenGrant;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.store.OAuthProviders;

/**
 * Connects a send-as address to an OAuth account with the authorization code flow (PKCE S256 and {@code state}), for
 * a surface with a browser (the users' self-service page): {@link #begin} answers where to send the browser and keeps
 * the state and code verifier here (never sent to the browser but as the state); the surface's callback hands the
 * state and code to {@link #complete}, which checks the state belongs to that user and is fresh, exchanges the code,
 * and saves the address with the grant through {@link SendAsSettings#saveOAuth} (relay test with a token, code mail).
 * A state is good once, for {@link #LIFETIME}; a user has at most {@link #MAX_PENDING_PER_USER} flows under way (a new
 * one drops their oldest), the server {@link #MAX_PENDING}.
 */
public class OAuthCodeConnections {
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    /**
     * A user's own share of the flows under way: beginning one more drops that user's oldest (its callback then says
     * "unknown, used or expired"), so one user can neither fill the server's share nor lock themself out.
     */
    static final int MAX_PENDING_PER_USER = 5;
    /** Flows begun and not completed, all users together: past this, new ones are refused until some expire. */
    static final int MAX_PENDING = 10_000;

    /** @param tokenEndpoint where the code is to be exchanged: the provider's when the flow began */
    private record Pending(Actor actor, Username owner, MailAddress address, String providerId, URI tokenEndpoint,
                           String username, Optional<String> displayName, URI redirectUri, Pkce pkce, Instant expiresAt) {
    }

    private final SendAsSettings settings;
    private final OAuthProviders providers;
    private final OAuthTokenClient client;
    private final Clock clock;
    private final int maxPending;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    @Inject
    public OAuthCodeConnections(SendAsSettings settings, OAuthProviders providers, OAuthTokenClient client) {
        this(settings, providers, client, Clock.systemUTC());
    }

    OAuthCodeConnections(SendAsSettings settings, OAuthProviders providers, OAuthTokenClient client, Clock clock) {
        this(settings, providers, client, clock, MAX_PENDING);
    }

    /** @param maxPending the server's share (a test's smaller one) */
    OAuthCodeConnections(SendAsSettings settings, OAuthProviders providers, OAuthTokenClient client, Clock clock, int maxPending) {
        this.settings = settings;
        this.providers = providers;
        this.client = client;
        this.clock = clock;
        this.maxPending = maxPending;
    }

    /**
     * @param displayName the name to show with the address (none: the one it had, if any)
     * @param redirectUri the surface's callback, registered with the provider
     * @return the provider's authorization URL to send the user's browser to
     * @throws InvalidFieldException naming {@code provider}, {@code username}, {@code address} or {@code displayName}
     */
    public URI begin(Actor actor, Username owner, MailAddress address, String providerId, String username,
                     Optional<String> displayName, URI redirectUri) {
        if (!settings.policyOf(owner).relayAllowed() || !settings.policyOf(owner).alternateAddressesAllowed()) {
            throw new SendAsSettingsException(Kind.DOMAIN_NOT_ALLOWED, "Outbound relay is not enabled for the domain of "
                + owner.asString());
        }
        if (username == null || username.isBlank()) {
            throw new InvalidFieldException("username", "is required (the account at the provider, usually the address)");
        }
        OAuthProvider provider = providers.find(providerId)
            .orElseThrow(() -> new InvalidFieldException("provider", "is not a provider set on this server: '" + providerId + "'"));
        // Checked now: a bad address or name must not cost the user a trip to the provider.
        PlainAddress.require(address);
        Optional<String> name = SendAsAddress.validDisplayName(displayName);
        OAuthState state = OAuthState.create();
        Pkce pkce = Pkce.create();
        admit(state, new Pending(actor, owner, address, providerId, provider.tokenEndpoint(), username, name, redirectUri, pkce,
            clock.instant().plus(LIFETIME)));
        return client.authorizationRequest(provider, redirectUri, state, pkce, Optional.of(username));
    }

    /** Keeps a new flow within its user's share (dropping their oldest), then within the server's (refusing it). */
    private synchronized void admit(OAuthState state, Pending flow) {
        forgetExpired();
        List<Map.Entry<String, Pending>> own = pending.entrySet().stream()
            .filter(entry -> entry.getValue().owner().equals(flow.owner()))
            .sorted(Comparator.comparing(entry -> entry.getValue().expiresAt()))
            .toList();
        for (int i = 0; i <= own.size() - MAX_PENDING_PER_USER; i++) {
            pending.remove(own.get(i).getKey(), own.get(i).getValue());
        }
        if (pending.size() >= maxPending) {
            throw new SendAsSettingsException(Kind.TOO_MANY_REQUESTS, "Too many connections under way: try again in a few minutes");
        }
        pending.put(state.value(), flow);
    }

    /**
     * The callback: {@code state} and {@code code} as the provider sent them back, {@code owner} the user signed in on
     * the surface. 400 naming {@code state} when it is unknown, used, expired or another user's; 422 when the provider
     * refuses the code; 503 when it cannot be reached.
     */
    public SendAsView complete(Username owner, String state, String code) {
        Pending flow = take(owner, state);
        if (code == null || code.isBlank()) {
            throw new InvalidFieldException("code", "is required");
        }
        OAuthProvider provider = providers.find(flow.providerId())
            .orElseThrow(() -> new InvalidFieldException("provider", "is no longer set on this server: '" + flow.providerId() + "'"));
        if (!provider.tokenEndpoint().equals(flow.tokenEndpoint())) {
            // The code and its verifier go only to the token endpoint of the server that issued the code.
            throw new InvalidFieldException("provider", "changed its token endpoint while the account was being connected: "
                + "connect it again");
        }
        TokenGrant grant;
        try {
            grant = client.exchangeCode(provider, code, flow.redirectUri(), flow.pkce());
        } catch (OAuthException e) {
            throw new SendAsSettingsException(e.kind() == OAuthException.Kind.TEMPORARY ? Kind.UNAVAILABLE : Kind.RELAY_CHECK_FAILED,
                "The provider " + provider.id() + " did not grant access: " + e.getMessage());
        }
        String refreshToken = grant.refreshToken().orElseThrow(() -> new SendAsSettingsException(Kind.RELAY_CHECK_FAILED,
            "The provider " + provider.id() + " issued no refresh token (is offline_access among its scopes?)"));
        return settings.saveOAuth(flow.actor(), owner, flow.address(), provider, flow.username(), refreshToken, flow.displayName(),
            Optional.empty());
    }

    /** The provider sent the browser back with an error (the user denied access): the state is dropped. */
    public void cancel(Username owner, String state) {
        take(owner, state);
    }

    private Pending take(Username owner, String state) {
        Pending flow = state == null ? null : pending.get(state);
        // Only its own user uses (and so consumes) a state.
        if (flow == null || !flow.owner().equals(owner) || !pending.remove(state, flow)
            || !clock.instant().isBefore(flow.expiresAt())) {
            throw new InvalidFieldException("state", "is unknown, used or expired: connect the account again");
        }
        return flow;
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        pending.values().removeIf(flow -> !now.isBefore(flow.expiresAt()));
    }
}
