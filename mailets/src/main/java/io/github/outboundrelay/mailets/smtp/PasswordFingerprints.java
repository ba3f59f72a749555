package io.github.outboundrelay.mailets.smtp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a relay password into a value that tells two passwords apart without revealing either: an HMAC-SHA256 under
 * a key drawn at random when the pool is created and never stored. A plain hash would let anyone who sees a pool key
 * (heap dump, debugger) test guesses offline; with a secret per-process key they cannot.
 */
final class PasswordFingerprints {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    PasswordFingerprints() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, ALGORITHM);
    }

    String of(String password) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
