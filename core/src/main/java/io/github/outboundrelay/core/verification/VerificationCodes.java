package io.github.outboundrelay.core.verification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * One-time codes: 80 random bits written as four groups of four base32 letters ({@code K7QD-M2XP-4TZA-9RWE}, no
 * look-alike characters), and their salted hashes. Checking is case-insensitive, ignores dashes and spaces, and
 * compares in constant time.
 */
final class VerificationCodes {
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray(); // 32 symbols, no I/O/0/1
    private static final int SYMBOLS = 16; // 16 x 5 bits = 80 bits
    private static final SecureRandom RANDOM = new SecureRandom();

    private VerificationCodes() {
    }

    static String newCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < SYMBOLS; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return code.toString();
    }

    static Verification.HashedCode hash(String code, Instant expiresAt) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String encodedSalt = Base64.getEncoder().encodeToString(salt);
        return new Verification.HashedCode(encodedSalt, digest(encodedSalt, normalize(code)), expiresAt);
    }

    static boolean matches(Verification.HashedCode hashed, String candidate) {
        byte[] expected = hashed.hash().getBytes(StandardCharsets.US_ASCII);
        byte[] actual = digest(hashed.salt(), normalize(candidate)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    private static String normalize(String code) {
        return code.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    }

    private static String digest(String salt, String normalizedCode) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha256.digest(normalizedCode.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
