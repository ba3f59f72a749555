package io.github.outboundrelay.core.secrets;

import java.util.Arrays;
import java.util.Base64;

/**
 * A secret encrypted at rest: the id of the key that sealed it and the sealed bytes (IV and ciphertext), written in
 * base64 wherever it is stored. It never holds the clear value, and its {@code toString} shows neither part.
 *
 * <p>Every registered address holds one, so it keeps the raw bytes (not their base64 text, a third larger and a
 * String more) and shares the key id's text with every secret sealed by the same key.</p>
 */
public final class SealedSecret {
    private final String keyId;
    private final byte[] sealedBytes;

    /** @param sealed the sealed bytes in base64 */
    public SealedSecret(String keyId, String sealed) {
        if (keyId == null || keyId.isBlank() || sealed == null || sealed.isBlank()) {
            throw new IllegalArgumentException("a sealed secret needs a key id and a sealed value");
        }
        this.keyId = keyId.intern();
        this.sealedBytes = Base64.getDecoder().decode(sealed);
    }

    SealedSecret(String keyId, byte[] sealedBytes) {
        this.keyId = keyId.intern();
        this.sealedBytes = sealedBytes.clone();
    }

    public String keyId() {
        return keyId;
    }

    /** The sealed bytes in base64, as stored. */
    public String sealed() {
        return Base64.getEncoder().encodeToString(sealedBytes);
    }

    byte[] sealedBytes() {
        return sealedBytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SealedSecret that && keyId.equals(that.keyId) && Arrays.equals(sealedBytes, that.sealedBytes);
    }

    @Override
    public int hashCode() {
        return 31 * keyId.hashCode() + Arrays.hashCode(sealedBytes);
    }

    @Override
    public String toString() {
        return "SealedSecret[keyId=" + keyId + ", ****]";
    }
}
