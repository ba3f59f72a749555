package io.github.outboundrelay.testing;

import java.net.URL;
import java.text.ParseException;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * What a provider's SMTP server checks in the bearer token of AUTH XOAUTH2 / OAUTHBEARER: an RS256 or ES256 signature by a key
 * of the issuer's JWKS (fetched over HTTP from the authorization server), the issuer, the audience, and that it has
 * not expired (no clock skew allowed, so a test can rely on an expired token being refused).
 */
public final class BearerTokenValidator {
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public BearerTokenValidator(URL jwksUrl, String issuer, String audience) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUrl).retrying(false).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"));
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** @return the token's subject (the account it was issued for) */
    public String validate(String token) throws InvalidTokenException {
        try {
            return processor.process(token, null).getSubject();
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(e.getMessage());
        }
    }

    public static final class InvalidTokenException extends Exception {
        InvalidTokenException(String reason) {
            super(reason);
        }
    }
}
