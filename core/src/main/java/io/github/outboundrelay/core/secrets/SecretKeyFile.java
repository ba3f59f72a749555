package io.github.outboundrelay.core.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The file that holds the keys sealing relay passwords: one {@code keyId:base64Key} line per key, the last line being
 * the active key. Created on first start, readable by its owner only.
 */
public final class SecretKeyFile {
    private SecretKeyFile() {
    }

    /**
     * @throws IllegalStateException also when the file is accessible to other users than its owner: James does not
     *                               start with keys others may have read (the message says how to fix it)
     */
    public static AesGcmSecretSealer loadOrCreate(Path file) {
        try {
            OwnerOnlyFiles.secureDirectory(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                create(file);
            }
            OwnerOnlyFiles.requireOwnerOnly(file);
            return load(file);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read or create the relay secret key file " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".key", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, newKeyLine(), StandardCharsets.US_ASCII);
        try {
            Files.move(temp, file);
        } catch (FileAlreadyExistsException raceLost) {
            Files.delete(temp);
        }
    }

    /**
     * Writes a new key after the existing ones, making it the active key: the file is replaced atomically by a copy
     * with the new line (owner-only, as created), so a crash leaves the old file or the new one, never half of it.
     */
    public static void appendNewKey(Path file) {
        try {
            String existing = Files.readString(file, StandardCharsets.US_ASCII);
            String separator = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, existing + separator + newKeyLine(), StandardCharsets.US_ASCII);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot add a key to the relay secret key file " + file, e);
        }
    }

    /**
     * Rewrites the file with only the keys of {@code kept} (the active key always stays, in last position), atomically
     * as {@link #appendNewKey}: a crash leaves the old file or the new one.
     *
     * @return the ids of the keys dropped
     */
    public static Set<String> retainOnly(Path file, Set<String> kept) {
        try {
            List<String> lines = keyLines(file);
            String active = keyId(lines.get(lines.size() - 1), file);
            Set<String> dropped = new LinkedHashSet<>();
            StringBuilder retained = new StringBuilder();
            for (String line : lines) {
                String keyId = keyId(line, file);
                if (kept.contains(keyId) || keyId.equals(active)) {
                    retained.append(line).append('\n');
                } else {
                    dropped.add(keyId);
                }
            }
            if (!dropped.isEmpty()) {
                Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, retained.toString(), StandardCharsets.US_ASCII);
                Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return dropped;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot rewrite the relay secret key file " + file, e);
        }
    }

    private static List<String> keyLines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
            .map(String::trim)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("The relay secret key file " + file + " holds no key");
        }
        return lines;
    }

    private static String keyId(String line, Path file) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new IllegalStateException("Malformed line in relay secret key file " + file + " (expected keyId:base64Key)");
        }
        return line.substring(0, colon);
    }

    private static AesGcmSecretSealer load(Path file) throws IOException {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String active = null;
        for (String line : keyLines(file)) {
            active = keyId(line, file);
            keys.put(active, new SecretKeySpec(Base64.getDecoder().decode(line.substring(active.length() + 1)), "AES"));
        }
        return new AesGcmSecretSealer(keys, active);
    }

    static String newKeyLine() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            String keyId = UUID.randomUUID().toString().substring(0, 8);
            return keyId + ":" + Base64.getEncoder().encodeToString(generator.generateKey().getEncoded()) + "\n";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("AES is not available in this JVM", e);
        }
    }
}
