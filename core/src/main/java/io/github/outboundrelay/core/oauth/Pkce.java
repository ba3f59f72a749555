package io.github.outboundrelay.core.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method: the verifier stays with us until the code exchange,
 * the challenge goes into the authorization request. The verifier is a secret: never logged, not in toString.
 */
public final class Pkce {
    public static final String METHOD = "S256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String verifier;
    private final String challenge;

    private Pkce(String verifier) {
        this.verifier = verifier;
        this.challenge = challengeOf(verifier);
    }

    /** A verifier of 32 random bytes (43 base64url characters, RFC 7636 section 4.1). */
    public static Pkce create() {
        return new Pkce(OAuthState.randomToken(RANDOM, 32));
    }

    /** The verifier kept (sealed) between the authorization request and the callback. */
    public static Pkce of(String verifier) {
        if (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw new IllegalArgumentException("a PKCE verifier is 43 to 128 unreserved characters");
        }
        return new Pkce(verifier);
    }

    public String verifier() {
        return verifier;
    }

    public String challenge() {
        return challenge;
    }

    static String challengeOf(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Pkce[S256, verifier ****]";
    }
}
