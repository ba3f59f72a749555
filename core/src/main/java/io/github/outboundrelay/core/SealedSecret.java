package io.github.outboundrelay.core;

/**
 * A secret encrypted at rest: the id of the key that sealed it and the sealed bytes (IV and ciphertext), in
 * base64. It never holds the clear value, and its {@code toString} shows neither part.
 */
public record SealedSecret(String keyId, String sealed) {
    public SealedSecret {
        if (keyId == null || keyId.isBlank() || sealed == null || sealed.isBlank()) {
            throw new IllegalArgumentException("a sealed secret needs a key id and a sealed value");
        }
    }

    @Override
    public String toString() {
        return "SealedSecret[keyId=" + keyId + ", ****]";
    }
}
