package io.github.outboundrelay.core.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM from the JCA: a fresh 96-bit IV per secret, 128-bit tag, the context as additional authenticated data.
 * Secrets are sealed with the active key and opened with whichever key id they name, so keys can rotate.
 */
public class AesGcmSecretSealer implements SecretSealer {
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKey> keysById;
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    public AesGcmSecretSealer(Map<String, SecretKey> keysById, String activeKeyId) {
        if (!keysById.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active key " + activeKeyId + " is not among the keys");
        }
        this.keysById = Map.copyOf(keysById);
        this.activeKeyId = activeKeyId;
    }

    @Override
    public SealedSecret seal(String clearText, String context) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keysById.get(activeKeyId), iv, context);
            byte[] encrypted = cipher.doFinal(clearText.getBytes(StandardCharsets.UTF_8));
            byte[] ivAndCiphertext = ByteBuffer.allocate(iv.length + encrypted.length).put(iv).put(encrypted).array();
            return new SealedSecret(activeKeyId, ivAndCiphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot seal a secret with key " + activeKeyId, e);
        }
    }

    @Override
    public String open(SealedSecret secret, String context) {
        SecretKey key = keysById.get(secret.keyId());
        if (key == null) {
            throw new IllegalStateException("No key " + secret.keyId() + " to open a secret with");
        }
        byte[] ivAndCiphertext = secret.sealedBytes();
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOf(ivAndCiphertext, IV_BYTES), context);
            byte[] clear = cipher.doFinal(ivAndCiphertext, IV_BYTES, ivAndCiphertext.length - IV_BYTES);
            return new String(clear, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Deliberately no detail: the cause could only help someone probing stored secrets.
            throw new IllegalStateException("A sealed secret does not open with key " + secret.keyId() + " for its address");
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    private Cipher cipher(int mode, SecretKey key, byte[] iv, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
