package io.github.outboundrelay.core.settings;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.PlainAddress;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.oauth.DeviceAuthorization;
import io.github.outboundrelay.core.oauth.OAuthException;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.oauth.TokenGrant;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;
import io.github.outboundrelay.core.store.OAuthProviders;

/**
 * Connects an OAuth account to a send-as address with the device authorization grant (RFC 8628), for an admin without
 * a browser at hand: {@link #start} asks the provider for a user code and answers it at once; the user enters it at
 * the verification URI, while a background thread polls the token endpoint. Once approved, the address is saved with
 * the grant through {@link SendAsSettings#saveOAuth} (relay test with a token, then the code mail, as for a password).
 * {@link #status} tells how it went. Nothing secret (device code, tokens) ever leaves this class but sealed.
 */
public class OAuthDeviceConnections {
    private static final Logger LOGGER = LoggerFactory.getLogger(OAuthDeviceConnections.class);

    /** What the admin gives to the user: where to go, which code to enter, until when. */
    public record Started(String address, String provider, String userCode, String verificationUri,
                          String verificationUriComplete, Instant expiresAt, long intervalSeconds) {
    }

    /** {@code state}: {@code waiting}, {@code connected} (then {@code sendAs} is the saved address) or {@code failed}. */
    public record Status(String address, String provider, String state, String detail, SendAsView sendAs) {
    }

    private final SendAsSettings settings;
    private final OAuthProviders providers;
    private final OAuthTokenClient client;
    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final ExecutorService pollers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "outbound-relay-oauth-device");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public OAuthDeviceConnections(SendAsSettings settings, OAuthProviders providers, OAuthTokenClient client) {
        this.settings = settings;
        this.providers = providers;
        this.client = client;
    }

    /**
     * @throws InvalidFieldException naming {@code provider} (unknown, or without a device endpoint), {@code username} or
     * {@code address}
     * @throws SendAsSettingsException DOMAIN_NOT_ALLOWED, or UNAVAILABLE when the provider could not be asked
     */
    public Started start(Actor actor, Username owner, MailAddress address, String providerId, String username,
                         Optional<Boolean> verified) {
        if (!settings.policyOf(owner).relayAllowed() || !settings.policyOf(owner).alternateAddressesAllowed()) {
            throw new SendAsSettingsException(Kind.DOMAIN_NOT_ALLOWED, "Outbound relay is not enabled for the domain of "
                + owner.asString());
        }
        if (!actor.isAdmin() && verified.isPresent()) {
            throw new InvalidFieldException("verified", "may only be set by an admin");
        }
        if (username == null || username.isBlank()) {
            throw new InvalidFieldException("username", "is required (the account at the provider, usually the address)");
        }
        PlainAddress.require(address); // before the provider is asked
        OAuthProvider provider = providers.find(providerId)
            .orElseThrow(() -> new InvalidFieldException("provider", "is not a provider set on this server: '" + providerId + "'"));
        if (provider.deviceAuthorizationEndpoint().isEmpty()) {
            throw new InvalidFieldException("provider", providerId + " has no device authorization endpoint: connect the "
                + "account from the self-service page instead");
        }
        DeviceAuthorization device;
        try {
            device = client.startDeviceAuthorization(provider);
        } catch (OAuthException e) {
            throw new SendAsSettingsException(Kind.UNAVAILABLE, "The provider " + providerId + " did not start a device "
                + "authorization: " + e.getMessage());
        }
        String key = key(owner, address);
        statuses.put(key, new Status(address.asString(), providerId, "waiting", "Waiting for the user to enter "
            + device.userCode() + " at " + device.verificationUri(), null));
        pollers.execute(() -> complete(key, actor, owner, address, provider, username, verified, device));
        return new Started(address.asString(), providerId, device.userCode(), device.verificationUri().toString(),
            device.verificationUriComplete().map(Object::toString).orElse(null), device.expiresAt(),
            device.interval().toSeconds());
    }

    public Optional<Status> status(Username owner, MailAddress address) {
        return Optional.ofNullable(statuses.get(key(owner, address)));
    }

    private void complete(String key, Actor actor, Username owner, MailAddress address, OAuthProvider provider,
                          String username, Optional<Boolean> verified, DeviceAuthorization device) {
        Status outcome;
        try {
            TokenGrant grant = client.awaitDeviceAuthorization(provider, device, duration -> Thread.sleep(duration.toMillis()));
            String refreshToken = grant.refreshToken().orElseThrow(() -> new OAuthException(OAuthException.Kind.MISCONFIGURED,
                "", "The provider issued no refresh token (is offline_access among its scopes?)"));
            SendAsView saved = settings.saveOAuth(actor, owner, address, provider, username, refreshToken, Optional.empty(), verified);
            outcome = new Status(address.asString(), provider.id(), "connected", "The account is connected; the address is "
                + saved.status(), saved);
        } catch (OAuthException e) {
            outcome = new Status(address.asString(), provider.id(), "failed", e.getMessage(), null);
        } catch (InvalidFieldException | SendAsSettingsException e) {
            outcome = new Status(address.asString(), provider.id(), "failed", e.getMessage(), null);
        } catch (RuntimeException e) {
            LOGGER.error("outbound-relay: connecting {} with {} failed", address.asString(), provider.id(), e);
            outcome = new Status(address.asString(), provider.id(), "failed", "Internal error: see the server log", null);
        }
        LOGGER.info("outbound-relay: device authorization of {} for {} with {}: {}", address.asString(), Printable.of(owner.asString()),
            provider.id(), outcome.state());
        statuses.put(key, outcome);
    }

    private static String key(Username owner, MailAddress address) {
        return owner.asString() + "|" + SendAsKey.of(address);
    }
}
