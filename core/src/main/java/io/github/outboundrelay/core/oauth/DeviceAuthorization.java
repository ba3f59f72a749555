package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A device authorization request under way (RFC 8628): the user opens {@link #verificationUri} anywhere and enters
 * {@link #userCode} while we poll the token endpoint with the device code, at most every {@link #interval}. The
 * device code is a secret until the grant completes: it is never in toString.
 */
public record DeviceAuthorization(String deviceCode, String userCode, URI verificationUri,
                                  Optional<URI> verificationUriComplete, Instant expiresAt, Duration interval) {
    @Override
    public String toString() {
        return "DeviceAuthorization[user code " + userCode + " at " + verificationUri + ", expires " + expiresAt
            + ", every " + interval.toSeconds() + " s, device code ****]";
    }
}
