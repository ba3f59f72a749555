package io.github.outboundrelay.core.secrets;

import java.nio.file.Path;
import java.util.Set;

/**
 * The sealer James uses: the keys of the key file, with the last one active; {@link #rotate()} appends a new key to the
 * file and makes it the active one. Older keys stay, so secrets sealed with them still open until re-sealed;
 * {@link #retireAllBut} then drops those no secret uses any more.
 */
public class RotatingSecretSealer implements SecretSealer {
    private final Path keyFile;
    private volatile AesGcmSecretSealer current;

    public RotatingSecretSealer(Path keyFile) {
        this.keyFile = keyFile;
        this.current = SecretKeyFile.loadOrCreate(keyFile);
    }

    @Override
    public SealedSecret seal(String clearText, String context) {
        return current.seal(clearText, context);
    }

    @Override
    public String open(SealedSecret secret, String context) {
        return current.open(secret, context);
    }

    public String activeKeyId() {
        return current.activeKeyId();
    }

    /**
     * Drops from the key file every key but the active one and those of {@code inUse}: secrets sealed with a dropped key
     * can no longer be opened, so the caller passes every key id a stored secret uses.
     *
     * @return the ids of the keys dropped
     */
    public synchronized Set<String> retireAllBut(Set<String> inUse) {
        Set<String> retired = SecretKeyFile.retainOnly(keyFile, inUse);
        current = SecretKeyFile.loadOrCreate(keyFile);
        return retired;
    }

    /** @return the id of the new active key */
    public synchronized String rotate() {
        SecretKeyFile.appendNewKey(keyFile);
        current = SecretKeyFile.loadOrCreate(keyFile);
        return current.activeKeyId();
    }
}
