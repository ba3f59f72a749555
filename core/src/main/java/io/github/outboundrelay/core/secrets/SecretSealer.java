package io.github.outboundrelay.core.secrets;

/**
 * Encrypts relay passwords for storage and decrypts them only at the moment of authenticating to the relay.
 * The {@code context} (the send-as address) is bound to the ciphertext, so a sealed secret copied onto another
 * address does not open.
 */
public interface SecretSealer {
    SealedSecret seal(String clearText, String context);

    String open(SealedSecret secret, String context);
}
