package io.github.outboundrelay.core.oauth;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import com.google.common.net.InetAddresses;

import io.github.outboundrelay.core.InvalidFieldException;

/**
 * Which OAuth endpoints may be used: {@code https} only, since client secrets, codes and refresh tokens travel to
 * them. The one exception is for tests, whose authorization server runs on loopback without TLS: {@link #forTests()}
 * also admits {@code http} to a loopback literal ({@code 127.0.0.1}, {@code ::1}) or {@code localhost}. In James it
 * is the system property {@value #TEST_SWITCH} ({@link #fromSystemProperties()}), which james-conf's
 * {@code jvm.properties} sets to {@code false}.
 */
public final class OAuthEndpointPolicy {
    private static final OAuthEndpointPolicy HTTPS_ONLY = new OAuthEndpointPolicy(false);
    private static final OAuthEndpointPolicy FOR_TESTS = new OAuthEndpointPolicy(true);

    /** The test-only switch: {@code true} admits http endpoints on loopback. */
    public static final String TEST_SWITCH = "outboundrelay.oauth.allowLoopbackHttpForTests";

    private final boolean loopbackHttpAllowed;

    private OAuthEndpointPolicy(boolean loopbackHttpAllowed) {
        this.loopbackHttpAllowed = loopbackHttpAllowed;
    }

    public static OAuthEndpointPolicy httpsOnly() {
        return HTTPS_ONLY;
    }

    /** Also {@code http} on loopback: for an authorization server started by a test. */
    public static OAuthEndpointPolicy forTests() {
        return FOR_TESTS;
    }

    /** {@link #forTests()} only when the system property {@value #TEST_SWITCH} is {@code true}. */
    public static OAuthEndpointPolicy fromSystemProperties() {
        return Boolean.getBoolean(TEST_SWITCH) ? FOR_TESTS : HTTPS_ONLY;
    }

    public boolean loopbackHttpAllowed() {
        return loopbackHttpAllowed;
    }

    /** Parses and checks an endpoint given by an admin; every problem names the field. */
    public URI endpoint(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "is required");
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(field, "is not a valid URL: " + e.getReason());
        }
        check(field, uri);
        return uri;
    }

    /** Checks an endpoint before anything is sent to it (also endpoints learnt from a discovery document). */
    public void check(String field, URI uri) {
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new InvalidFieldException(field, "must be an absolute https URL, got '" + uri + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new InvalidFieldException(field, "must not hold credentials or a fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (scheme.equals("http") && loopbackHttpAllowed && isLoopback(uri.getHost())) {
            return;
        }
        throw new InvalidFieldException(field, "must use https, got '" + uri.getScheme() + "'");
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!InetAddresses.isInetAddress(bare)) {
            return false;  // a name could resolve anywhere: only literals (and localhost) count as loopback
        }
        InetAddress address = InetAddresses.forString(bare);
        return address.isLoopbackAddress();
    }

    @Override
    public String toString() {
        return loopbackHttpAllowed ? "https, or http on loopback (tests)" : "https only";
    }
}
