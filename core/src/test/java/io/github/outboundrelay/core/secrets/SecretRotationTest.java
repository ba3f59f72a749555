package io.github.outboundrelay.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;

class SecretRotationTest {
    @TempDir
    Path directory;
    InMemorySettingsEventLog events = new InMemorySettingsEventLog();

    @Test
    void rotationSealsEveryPasswordAgainUnderANewKeyThatSurvivesARestart() throws Exception {
        Path keyFile = directory.resolve("outbound-relay/relay-secrets.key");
        RotatingSecretSealer sealer = new RotatingSecretSealer(keyFile);
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        register(registry, sealer, "alice@partner.test", "alice-pw");
        register(registry, sealer, "bob@partner.test", "bob-pw");
        String oldKey = sealer.activeKeyId();

        SecretRotation.Result result = new SecretRotation(sealer, registry, new SettingsEvents(events)).rotate();

        assertThat(result.activeKeyId()).isNotEqualTo(oldKey);
        assertThat(result.resealed()).isEqualTo(2);
        assertThat(registry.all()).allSatisfy(sendAs -> assertThat(sendAs.requireRelayAccount().credential().secret().keyId()).isEqualTo(result.activeKeyId()));
        RotatingSecretSealer afterRestart = new RotatingSecretSealer(keyFile);
        assertThat(afterRestart.activeKeyId()).isEqualTo(result.activeKeyId());
        SendAsAddress alice = registry.find(new MailAddress("alice@partner.test")).orElseThrow();
        assertThat(afterRestart.open(alice.requireRelayAccount().credential().secret(), alice.requireRelayAccount().credential().sealingContext(alice))).isEqualTo("alice-pw");
        assertThat(Files.readAllLines(keyFile)).hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(new SecretRotation(sealer, registry, new SettingsEvents(events)).rotate().resealed()).isEqualTo(2);
    }

    @Test
    void aRotationIsRecordedAsAnAdminsWithTheKeyIdOnly() throws Exception {
        RotatingSecretSealer sealer = new RotatingSecretSealer(directory.resolve("outbound-relay/relay-secrets.key"));
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        register(registry, sealer, "alice@partner.test", "alice-pw");

        SecretRotation.Result result = new SecretRotation(sealer, registry, new SettingsEvents(events)).rotate();

        assertThat(events.find(java.util.Optional.empty(), java.time.Instant.EPOCH, 0, 10)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(SettingsEvent.Type.SECRET_KEYS_ROTATED);
            assertThat(event.actor()).isEqualTo(io.github.outboundrelay.core.settings.Actor.ADMIN);
            assertThat(event.detail()).isEqualTo("active key " + result.activeKeyId() + ", 1 secret(s) (relay passwords, refresh tokens, client secrets) sealed again");
            assertThat(event.detail()).doesNotContain("alice-pw");
        });
    }

    @Test
    void aRotationFromTheAdminAreaNamesTheAdmin() throws Exception {
        RotatingSecretSealer sealer = new RotatingSecretSealer(directory.resolve("outbound-relay/relay-secrets.key"));
        io.github.outboundrelay.core.settings.Actor root = io.github.outboundrelay.core.settings.Actor.admin(
            org.apache.james.core.Username.of("root@ourdomain.test"));

        new SecretRotation(sealer, new InMemorySendAsRegistry(), new SettingsEvents(events)).rotate(root, false);

        assertThat(events.find(java.util.Optional.empty(), java.time.Instant.EPOCH, 0, 10)).singleElement()
            .satisfies(event -> assertThat(event.actor()).isEqualTo(root));
    }

    @Test
    void anAdminMayRetireTheKeysNoPasswordUsesOnceAllAreResealed() throws Exception {
        Path keyFile = directory.resolve("outbound-relay/relay-secrets.key");
        RotatingSecretSealer sealer = new RotatingSecretSealer(keyFile);
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        register(registry, sealer, "alice@partner.test", "alice-pw");
        String first = sealer.activeKeyId();
        SecretRotation rotation = new SecretRotation(sealer, registry, new SettingsEvents(new InMemorySettingsEventLog()));
        String second = rotation.rotate().activeKeyId();
        assertThat(Files.readAllLines(keyFile)).hasSize(2);

        SecretRotation.Result result = rotation.rotate(true);

        assertThat(result.retiredKeys()).containsExactlyInAnyOrder(first, second);
        assertThat(Files.readAllLines(keyFile)).singleElement().asString().startsWith(result.activeKeyId() + ":");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        RotatingSecretSealer afterRestart = new RotatingSecretSealer(keyFile);
        SendAsAddress alice = registry.find(new MailAddress("alice@partner.test")).orElseThrow();
        assertThat(afterRestart.open(alice.requireRelayAccount().credential().secret(), alice.requireRelayAccount().credential().sealingContext(alice))).isEqualTo("alice-pw");
        assertThat(rotation.rotate(false).retiredKeys()).isEmpty();
        assertThat(Files.readAllLines(keyFile)).hasSize(2);
    }

    @Test
    void aKeyStillUsedByAStoredPasswordIsNeverRetired() throws Exception {
        Path keyFile = directory.resolve("outbound-relay/relay-secrets.key");
        RotatingSecretSealer sealer = new RotatingSecretSealer(keyFile);
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        register(registry, sealer, "alice@partner.test", "alice-pw");
        String old = sealer.activeKeyId();
        sealer.rotate();

        assertThat(sealer.retireAllBut(java.util.Set.of(old))).isEmpty();
        SendAsAddress alice = registry.find(new MailAddress("alice@partner.test")).orElseThrow();
        assertThat(new RotatingSecretSealer(keyFile).open(alice.requireRelayAccount().credential().secret(), alice.requireRelayAccount().credential().sealingContext(alice))).isEqualTo("alice-pw");
    }

    @Test
    void theExtensionFolderIsOwnerOnlyAndAKeyFileOthersCanReadIsRefused() throws Exception {
        Path folder = directory.resolve("var/outbound-relay");
        Path keyFile = folder.resolve("relay-secrets.key");
        new RotatingSecretSealer(keyFile);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");

        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        new RotatingSecretSealer(keyFile);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).as("narrowed again").isEqualTo("rwx------");

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RotatingSecretSealer(keyFile))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(keyFile.toString()).hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 600");
    }

    private static void register(InMemorySendAsRegistry registry, SecretSealer sealer, String address, String password) throws Exception {
        MailAddress mailAddress = new MailAddress(address);
        registry.register(SendAsAddress.withPassword(mailAddress, Username.of("alice@ourdomain.test".replace("alice", address.substring(0, address.indexOf('@')))),
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), address, password, sealer));
    }
}
