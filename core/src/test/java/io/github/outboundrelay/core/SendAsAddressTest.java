package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.store.SendAsRegistryContract;

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

    static SendAsAddress at(String address) throws Exception {
        MailAddress parsed = new MailAddress(address); // James takes each of these
        return new SendAsAddress(parsed, SendAsRegistryContract.ALICE, new RelayServer("smtp.partner.test", 587,
            RelaySecurity.STARTTLS), "alice", new SealedSecret("k1", "c2VhbGVkLWJ5dGVz"));
    }

    /**
     * James's MailAddress takes all of these; none is what Gmail takes, and each smuggles something: a second recipient
     * into a spool that splits on ';' (ActiveMQ's under ./run), a line into the SMTP dialogue, a header or a log line,
     * an IP address instead of a domain.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "\"alice;victim@elsewhere.test\"@partner.test",
        "\"alice\\\r\\\nRCPT TO:<victim@elsewhere.test>\"@partner.test",
        "\"alice\\\rx\"@partner.test",
        "\"alice\\\nx\"@partner.test",
        "\"alice smith\"@partner.test",
        "\"alice\"@partner.test",
        "alice@[192.0.2.10]",
        "alice@192.0.2.10",
        "alice@localhost"
    })
    void anAddressThatIsNotPlainIsRefusedNamingTheField(String address) {
        assertThatThrownBy(() -> at(address))
            .isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'address'")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r", "\n"));
    }

    @Test
    void aLocalPartOrAnAddressOverTheLengthLimitsIsRefused() throws Exception {
        assertThat(at("a".repeat(64) + "@partner.test").address().getLocalPart()).hasSize(64);
        assertThatThrownBy(() -> at("a".repeat(65) + "@partner.test")).hasMessageStartingWith("'address' must have at most 64");
        String domain254 = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(47) + ".test";
        assertThat(at("a".repeat(254 - 1 - domain254.length()) + "@" + domain254).address().asString()).hasSize(254);
        assertThatThrownBy(() -> at("a".repeat(255 - 1 - domain254.length()) + "@" + domain254))
            .hasMessageStartingWith("'address' must be at most 254");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice@partner.test", "Alice.Martin@partner.test", "a!#$%&'*+-/=?^_`{|}~z@partner.test",
        "alice@xn--bcher-kva.example", "alice@mail.partner-1.co.uk", "1@2.test"})
    void plainAddressesAreTaken(String address) throws Exception {
        assertThat(at(address).address().asString()).isEqualTo(address);
    }

    @Test
    void resealingThePasswordKeepsTheDisplayName() {
        SendAsAddress resealed = named("Alice").withRelayPassword(new SealedSecret("k2", "b3RoZXItYnl0ZXM="));

        assertThat(resealed.displayName()).contains("Alice");
        assertThat(resealed.requireRelayAccount().credential().secret().keyId()).isEqualTo("k2");
    }
}
