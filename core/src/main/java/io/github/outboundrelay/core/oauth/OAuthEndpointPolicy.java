package io.github.outboundrelay.core.oauth;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import com.google.common.net.InetAddresses;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.net.InternalAddresses;

/**
 * Which OAuth endpoints may be used: {@code https} only, since client secrets, codes and refresh tokens travel to
 * them, and never a host that resolves to an internal address (this server, its private networks, cloud metadata:
 * the relay target guard's {@link InternalAddresses}), so that a provider's endpoints cannot make James post secrets
 * or discovery requests inside its own network. The one exception is for tests, whose authorization server runs on
 * loopback without TLS: {@link #forTests()} also admits {@code http} to a loopback literal ({@code 127.0.0.1},
 * {@code ::1}) or {@code localhost}, and loopback addresses (nothing else internal). In James it is the system
 * property {@value #TEST_SWITCH} ({@link #fromSystemProperties()}), which james-conf's {@code jvm.properties} sets to
 * {@code false}.
 *
 * <p>A host is resolved when an endpoint is set and again before every request ({@link OAuthTokenClient}); one that
 * does not resolve at that moment passes (there is nothing to reach). A name answering a public address to the check
 * and an internal one to the request (DNS rebinding) meets TLS: the internal host cannot show a certificate for the
 * provider's name, so the handshake fails before anything is sent.</p>
 */
public final class OAuthEndpointPolicy {
    /** How a host name is resolved: as java.net.http resolves it (the system resolver), or as a test decides. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Resolver SYSTEM_RESOLVER = InetAddress::getAllByName;
    private static final OAuthEndpointPolicy HTTPS_ONLY = new OAuthEndpointPolicy(false, SYSTEM_RESOLVER);
    private static final OAuthEndpointPolicy FOR_TESTS = new OAuthEndpointPolicy(true, SYSTEM_RESOLVER);

    /** The test-only switch: {@code true} admits http endpoints on loopback. */
    public static final String TEST_SWITCH = "outboundrelay.oauth.allowLoopbackHttpForTests";

    private final boolean loopbackHttpAllowed;
    private final Resolver resolver;

    private OAuthEndpointPolicy(boolean loopbackHttpAllowed, Resolver resolver) {
        this.loopbackHttpAllowed = loopbackHttpAllowed;
        this.resolver = resolver;
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

    /** The same policy, resolving host names with {@code resolver} (tests: names that have no DNS). */
    public OAuthEndpointPolicy resolvingWith(Resolver resolver) {
        return new OAuthEndpointPolicy(loopbackHttpAllowed, resolver);
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
        boolean testHttp = scheme.equals("http") && loopbackHttpAllowed && isLoopback(uri.getHost());
        if (!scheme.equals("https") && !testHttp) {
            throw new InvalidFieldException(field, "must use https, got '" + uri.getScheme() + "'");
        }
        requireNoInternalAddress(field, uri.getHost());
    }

    /** Every address the host resolves to must be public (loopback too, with the test switch). */
    private void requireNoInternalAddress(String field, String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare(host));
        } catch (UnknownHostException e) {
            return; // nothing to reach now; judged again before each request
        }
        for (InetAddress address : addresses) {
            if (InternalAddresses.isInternal(address) && !(loopbackHttpAllowed && address.isLoopbackAddress())) {
                // The address itself is not echoed: the answer would map the inside for whoever asked.
                throw new InvalidFieldException(field, host + " resolves to an internal address: not an allowed OAuth endpoint");
            }
        }
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLoopback(String host) {
        String bare = bare(host);
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
