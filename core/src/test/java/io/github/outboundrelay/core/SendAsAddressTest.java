package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class SendAsAddressTest {
    static SendAsAddress named(String displayName) {
        SendAsAddress plain = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        return new SendAsAddress(plain.address(), plain.owner(), plain.requireRelayAccount().server(), plain.requireRelayAccount().username(), plain.requireRelayAccount().credential().secret(),
            Optional.ofNullable(displayName));
    }

    @Test
    void aDisplayNameIsOptionalAndKeptTrimmed() {
        assertThat(SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE).displayName()).isEmpty();
        assertThat(named("  Alice Martin (Partner)  ").displayName()).contains("Alice Martin (Partner)");
        assertThat(named("Émilie Zoë").displayName()).contains("Émilie Zoë");
    }

    @Test
    void aBlankDisplayNameMeansNone() {
        assertThat(named("   ").displayName()).isEmpty();
        assertThat(named(null).displayName()).isEmpty();
    }

    @Test
    void aDisplayNameWithALineBreakIsRefusedNamingTheField() {
        // It may end up in a From: header, where CR/LF would start a header of the user's choosing.
        assertThatThrownBy(() -> named("Alice\r\nBcc: victim@elsewhere.test"))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageContaining("displayName");
    }

    @Test
    void aDisplayNameLongerThanTheLimitIsRefusedNamingTheField() {
        assertThat(named("a".repeat(SendAsAddress.DISPLAY_NAME_MAX_LENGTH)).displayName()).isPresent();
        assertThatThrownBy(() -> named("a".repeat(SendAsAddress.DISPLAY_NAME_MAX_LENGTH + 1)))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageContaining("displayName");
    }

    @Test
    void resealingThePasswordKeepsTheDisplayName() {
        SendAsAddress resealed = named("Alice").withRelayPassword(new SealedSecret("k2", "b3RoZXItYnl0ZXM="));

        assertThat(resealed.displayName()).contains("Alice");
        assertThat(resealed.requireRelayAccount().credential().secret().keyId()).isEqualTo("k2");
    }
}
