package io.github.outboundrelay.core.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier.ConfirmOutcome;

class SendAsVerifierTest {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T10:00:00Z"));
    final InMemoryVerifications store = new InMemoryVerifications();
    final SendAsVerifier verifier = new SendAsVerifier(store, new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    });
    final SendAsAddress alice = sendAs("smtp.partner.test", "alice");

    @Test
    void newAddressIsPendingAndNotUsable() {
        assertThat(verifier.saved(alice, false)).isEqualTo(SendAsStatus.PENDING);
        assertThat(verifier.isVerified(alice)).isFalse();
    }

    @Test
    void rightCodeVerifies() {
        verifier.saved(alice, false);
        String code = verifier.issueCode(alice);

        assertThat(verifier.confirm(alice, code.toLowerCase().replace("-", " ")).outcome()).isEqualTo(ConfirmOutcome.VERIFIED);
        assertThat(verifier.isVerified(alice)).isTrue();
        assertThat(verifier.confirm(alice, code).outcome()).isEqualTo(ConfirmOutcome.NOTHING_TO_CONFIRM);
    }

    @Test
    void codesCarryAtLeast64RandomBitsAndAreNeverStoredInClear() {
        verifier.saved(alice, false);
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            codes.add(verifier.issueCode(alice));
        }
        assertThat(codes).hasSize(5).allMatch(code -> code.matches("[A-Z2-9]{4}(-[A-Z2-9]{4}){3}"));
        String last = codes.iterator().next();
        assertThat(store.get(alice.key()).orElseThrow().toString()).doesNotContain(last).doesNotContain(last.replace("-", ""));
    }

    @Test
    void expiredCodeIsRefused() {
        verifier.saved(alice, false);
        String code = verifier.issueCode(alice);
        now.set(now.get().plus(SendAsVerifier.CODE_LIFETIME).plusSeconds(1));

        assertThat(verifier.confirm(alice, code).outcome()).isEqualTo(ConfirmOutcome.EXPIRED);
        assertThat(verifier.isVerified(alice)).isFalse();
    }

    @Test
    void fiveWrongCodesLockEvenTheRightOne() {
        verifier.saved(alice, false);
        String code = verifier.issueCode(alice);

        for (int i = 1; i < SendAsVerifier.MAX_WRONG_CODES; i++) {
            assertThat(verifier.confirm(alice, "AAAA-AAAA-AAAA-AAAA")).isEqualTo(
                new SendAsVerifier.ConfirmResult(ConfirmOutcome.WRONG_CODE, SendAsVerifier.MAX_WRONG_CODES - i));
        }
        assertThat(verifier.confirm(alice, "AAAA-AAAA-AAAA-AAAA").outcome()).isEqualTo(ConfirmOutcome.LOCKED);
        assertThat(verifier.confirm(alice, code).outcome()).isEqualTo(ConfirmOutcome.LOCKED);
        assertThat(verifier.isVerified(alice)).isFalse();
    }

    @Test
    void aNewCodeReplacesTheOldOneAndUnlocks() {
        verifier.saved(alice, false);
        String old = verifier.issueCode(alice);
        for (int i = 0; i < SendAsVerifier.MAX_WRONG_CODES; i++) {
            verifier.confirm(alice, "wrong");
        }
        String fresh = verifier.issueCode(alice);

        assertThat(verifier.confirm(alice, old).outcome()).isEqualTo(ConfirmOutcome.WRONG_CODE);
        assertThat(verifier.confirm(alice, fresh).outcome()).isEqualTo(ConfirmOutcome.VERIFIED);
    }

    @Test
    void verificationMailsAreCappedPerDay() {
        verifier.saved(alice, false);
        for (int i = 0; i < SendAsVerifier.MAX_CODES_PER_DAY; i++) {
            verifier.issueCode(alice);
        }
        assertThatThrownBy(() -> verifier.issueCode(alice)).isInstanceOf(SendAsVerifier.TooManyCodesException.class);
        verifier.saved(alice, false); // re-saving the same relay does not reset the cap
        assertThatThrownBy(() -> verifier.issueCode(alice)).isInstanceOf(SendAsVerifier.TooManyCodesException.class);

        now.set(now.get().plus(Duration.ofDays(1)).plusSeconds(1));
        assertThat(verifier.issueCode(alice)).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource({
        "smtp.elsewhere.test, 587, STARTTLS, alice",
        "smtp.partner.test, 2587, STARTTLS, alice",
        "smtp.partner.test, 587, NONE, alice",
        "smtp.partner.test, 587, SMTPS, alice",
        "smtp.partner.test, 587, STARTTLS, alice2",
        "smtp.partner.test, 58, STARTTLS, 7|alice"})
    void changingHostPortSecurityOrUsernameStartsOver(String host, int port, String security, String username) {
        verifier.saved(alice, true);
        assertThat(verifier.isVerified(alice)).isTrue();

        SendAsAddress changed = new SendAsAddress(alice.address(), alice.owner(),
            new RelayServer(host, port, RelaySecurity.parse("security", security)), username, alice.requireRelayAccount().credential().secret());

        assertThat(verifier.isVerified(changed)).isFalse();
        assertThat(verifier.saved(changed, false)).isEqualTo(SendAsStatus.PENDING);
        assertThat(verifier.isVerified(alice)).isFalse();
    }

    @Test
    void theSameRelayAccountStaysVerified() {
        verifier.saved(alice, true);

        assertThat(verifier.saved(sendAs("smtp.partner.test", "alice"), false)).isEqualTo(SendAsStatus.VERIFIED);
        assertThat(verifier.isVerified(sendAs("SMTP.Partner.TEST", "alice"))).isTrue();
    }

    @Test
    void removingTheRelayKeepsAVerifiedAddressVerifiedAndAddingOneStartsOver() {
        SendAsAddress withoutRelay = SendAsAddress.withoutRelay(alice.address(), alice.owner(), java.util.Optional.empty());
        verifier.saved(alice, true);

        assertThat(verifier.saved(withoutRelay, false)).isEqualTo(SendAsStatus.VERIFIED);
        assertThat(verifier.isVerified(withoutRelay)).isTrue();
        assertThat(verifier.isVerified(alice)).as("the state is about the address without relay now").isFalse();
        assertThat(verifier.saved(alice, false)).isEqualTo(SendAsStatus.PENDING);
        assertThat(verifier.saved(withoutRelay, false)).as("a pending relay gives no verification back").isEqualTo(SendAsStatus.PENDING);
    }

    @Test
    void anAddressWithoutRelayIsVerifiedByItsCode() {
        SendAsAddress withoutRelay = SendAsAddress.withoutRelay(alice.address(), alice.owner(), java.util.Optional.empty());
        assertThat(verifier.saved(withoutRelay, false)).isEqualTo(SendAsStatus.PENDING);
        String code = verifier.issueCode(withoutRelay);

        assertThat(verifier.confirm(withoutRelay, code).outcome()).isEqualTo(ConfirmOutcome.VERIFIED);
        assertThat(verifier.isVerified(withoutRelay)).isTrue();
        assertThat(verifier.isVerified(alice)).isFalse();
    }

    @Test
    void adminMayVouch() {
        assertThat(verifier.saved(alice, true)).isEqualTo(SendAsStatus.VERIFIED);
        assertThat(verifier.isVerified(alice)).isTrue();
    }

    private static SendAsAddress sendAs(String host, String username) {
        try {
            return new SendAsAddress(new MailAddress("alice@partner.test"), Username.of("alice@ourdomain.test"),
                new RelayServer(host, 587, RelaySecurity.STARTTLS), username, new SealedSecret("k1", "c2VhbGVk"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
