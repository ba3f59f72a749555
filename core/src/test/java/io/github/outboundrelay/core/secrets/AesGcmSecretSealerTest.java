package io.github.outboundrelay.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesGcmSecretSealerTest {
    @TempDir
    Path folder;

    @Test
    void sealedSecretOpensForItsContextOnly() {
        AesGcmSecretSealer sealer = SecretKeyFile.loadOrCreate(folder.resolve("keys"));
        SealedSecret sealed = sealer.seal("p4ssw0rd", "alice@partner.test");

        assertThat(sealed.sealed()).doesNotContain("p4ssw0rd");
        assertThat(sealed.toString()).doesNotContain(sealed.sealed());
        assertThat(sealer.open(sealed, "alice@partner.test")).isEqualTo("p4ssw0rd");
        assertThatThrownBy(() -> sealer.open(sealed, "bob@partner.test")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sameSecretSealsDifferentlyEachTime() {
        AesGcmSecretSealer sealer = SecretKeyFile.loadOrCreate(folder.resolve("keys"));
        assertThat(sealer.seal("x", "c").sealed()).isNotEqualTo(sealer.seal("x", "c").sealed());
    }

    @Test
    void keyFileIsCreatedOwnerOnlyAndReusedAcrossStarts() throws Exception {
        Path file = folder.resolve("sub/keys");
        SealedSecret sealed = SecretKeyFile.loadOrCreate(file).seal("secret", "ctx");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SecretKeyFile.loadOrCreate(file).open(sealed, "ctx")).isEqualTo("secret");
    }

    @Test
    void olderKeysStillOpenAfterRotation() throws Exception {
        Path file = folder.resolve("keys");
        SealedSecret sealed = SecretKeyFile.loadOrCreate(file).seal("secret", "ctx");
        Files.writeString(file, SecretKeyFile.newKeyLine(), java.nio.file.StandardOpenOption.APPEND);

        AesGcmSecretSealer rotated = SecretKeyFile.loadOrCreate(file);
        assertThat(rotated.activeKeyId()).isNotEqualTo(sealed.keyId());
        assertThat(rotated.open(sealed, "ctx")).isEqualTo("secret");
    }
}
