package io.github.outboundrelay.core.oauth;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;

/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method, over the Nimbus SDK's {@link CodeVerifier}: the verifier
 * stays with us until the code exchange, the challenge goes into the authorization request. The verifier is a secret:
 * never logged, not in toString.
 */
public final class Pkce {
    public static final String METHOD = CodeChallengeMethod.S256.getValue();

    private final CodeVerifier verifier;

    private Pkce(CodeVerifier verifier) {
        this.verifier = verifier;
    }

    /** A verifier of 32 random bytes (43 base64url characters, RFC 7636 section 4.1). */
    public static Pkce create() {
        return new Pkce(new CodeVerifier());
    }

    /** The verifier kept (sealed) between the authorization request and the callback. */
    public static Pkce of(String verifier) {
        if (verifier == null) {
            throw new IllegalArgumentException("a PKCE verifier is 43 to 128 unreserved characters");
        }
        // The SDK refuses (IllegalArgumentException) a verifier that is not 43 to 128 unreserved characters.
        return new Pkce(new CodeVerifier(verifier));
    }

    public String verifier() {
        return verifier.getValue();
    }

    public String challenge() {
        return CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
    }

    CodeVerifier codeVerifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "Pkce[S256, verifier ****]";
    }
}
