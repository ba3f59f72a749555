package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.Verification;

/**
 * What every {@link Verifications} must do, James style: an implementation's test implements this interface and gives
 * fresh, empty verifications per test. Published in core's test-jar for the other stores. A state is kept whole:
 * what {@link Verifications#get} answers equals what was {@link Verifications#put}, instants to the nanosecond.
 */
public interface VerificationsContract {
    String ALICE_KEY = "alice@partner.test";
    String BOB_KEY = "bob@partner.test";
    String RELAY = "smtp.partner.test|alice@partner.test";
    Instant T0 = Instant.parse("2026-11-26T10:00:00.123456789Z");

    /** New, empty verifications for each test. */
    Verifications verifications();

    static Verification pendingWithCode(String relayIdentity, int failedAttempts, List<Instant> codesSentAt) {
        return new Verification(SendAsStatus.PENDING, relayIdentity,
            Optional.of(new Verification.HashedCode("c2FsdC1ieXRlcy0xNg==", "aGFzaC1vZi10aGUtY29kZQ==", T0.plusSeconds(86_400))),
            failedAttempts, codesSentAt);
    }

    static Verification verified(String relayIdentity) {
        return new Verification(SendAsStatus.VERIFIED, relayIdentity, Optional.empty(), 0, List.of());
    }

    @Test
    default void getIsEmptyForAnUnknownKey() {
        assertThat(verifications().get(ALICE_KEY)).isEmpty();
    }

    @Test
    default void aPendingStateWithItsCodeRoundTrips() {
        Verification pending = pendingWithCode(RELAY, 2, List.of(T0, T0.plusSeconds(60), T0.plusMillis(120_001)));

        verifications().put(ALICE_KEY, pending);

        assertThat(verifications().get(ALICE_KEY)).contains(pending);
        Verification found = verifications().get(ALICE_KEY).get();
        assertThat(found.status()).isEqualTo(SendAsStatus.PENDING);
        assertThat(found.relayIdentity()).isEqualTo(RELAY);
        assertThat(found.code()).hasValueSatisfying(code -> {
            assertThat(code.salt()).isEqualTo("c2FsdC1ieXRlcy0xNg==");
            assertThat(code.hash()).isEqualTo("aGFzaC1vZi10aGUtY29kZQ==");
            assertThat(code.expiresAt()).isEqualTo(T0.plusSeconds(86_400));
        });
        assertThat(found.failedAttempts()).isEqualTo(2);
        assertThat(found.codesSentAt()).containsExactly(T0, T0.plusSeconds(60), T0.plusMillis(120_001));
    }

    @Test
    default void aVerifiedStateRoundTrips() {
        verifications().put(ALICE_KEY, verified(RELAY));

        assertThat(verifications().get(ALICE_KEY)).contains(verified(RELAY));
        assertThat(verifications().get(ALICE_KEY).get().isVerified()).isTrue();
    }

    @Test
    default void aPendingStateWithoutCodeRoundTrips() {
        Verification pending = new Verification(SendAsStatus.PENDING, RELAY, Optional.empty(), 0, List.of());

        verifications().put(ALICE_KEY, pending);

        assertThat(verifications().get(ALICE_KEY)).hasValueSatisfying(found -> {
            assertThat(found).isEqualTo(pending);
            assertThat(found.code()).isEmpty();
            assertThat(found.codesSentAt()).isEmpty();
        });
    }

    @Test
    default void codesSentAtKeepTheirOrder() {
        List<Instant> unordered = List.of(T0.plusSeconds(30), T0, T0.plusNanos(1), T0.plusSeconds(30));

        verifications().put(ALICE_KEY, pendingWithCode(RELAY, 0, unordered));

        assertThat(verifications().get(ALICE_KEY).get().codesSentAt()).containsExactlyElementsOf(unordered);
    }

    @Test
    default void instantsKeepTheirPrecision() {
        Instant precise = Instant.parse("2026-11-26T10:00:00.000000001Z");
        Verification pending = new Verification(SendAsStatus.PENDING, RELAY,
            Optional.of(new Verification.HashedCode("salt", "hash", precise)), 0, List.of(precise));

        verifications().put(ALICE_KEY, pending);

        assertThat(verifications().get(ALICE_KEY)).contains(pending);
    }

    @Test
    default void anyRelayIdentityRoundTrips() {
        String unusual = "smtp.xn--bcher-kva.example|Alice, \"Ops\" <alice@partner.test>|ünïcödé";

        verifications().put(ALICE_KEY, pendingWithCode(unusual, 1, List.of(T0)));

        assertThat(verifications().get(ALICE_KEY).get().relayIdentity()).isEqualTo(unusual);
    }

    @Test
    default void aLaterPutReplacesTheEarlierOne() {
        verifications().put(ALICE_KEY, pendingWithCode(RELAY, 3, List.of(T0, T0.plusSeconds(1))));
        verifications().put(ALICE_KEY, verified(RELAY));

        assertThat(verifications().get(ALICE_KEY)).contains(verified(RELAY));
    }

    @Test
    default void aPutCanGoBackToPendingWithAnotherRelay() {
        verifications().put(ALICE_KEY, verified(RELAY));
        Verification other = pendingWithCode("smtp.other.test|alice", 0, List.of(T0));
        verifications().put(ALICE_KEY, other);

        assertThat(verifications().get(ALICE_KEY)).contains(other);
    }

    @Test
    default void removeForgetsTheState() {
        verifications().put(ALICE_KEY, verified(RELAY));

        verifications().remove(ALICE_KEY);

        assertThat(verifications().get(ALICE_KEY)).isEmpty();
    }

    @Test
    default void removingAnUnknownKeyDoesNothing() {
        verifications().put(BOB_KEY, verified(RELAY));

        verifications().remove(ALICE_KEY);

        assertThat(verifications().get(ALICE_KEY)).isEmpty();
        assertThat(verifications().get(BOB_KEY)).contains(verified(RELAY));
    }

    @Test
    default void aStateCanBePutAgainAfterItsRemoval() {
        verifications().put(ALICE_KEY, verified(RELAY));
        verifications().remove(ALICE_KEY);
        verifications().put(ALICE_KEY, pendingWithCode(RELAY, 0, List.of(T0)));

        assertThat(verifications().get(ALICE_KEY)).contains(pendingWithCode(RELAY, 0, List.of(T0)));
    }

    @Test
    default void keysAreIndependent() {
        verifications().put(ALICE_KEY, verified(RELAY));
        verifications().put(BOB_KEY, pendingWithCode("smtp.partner.test|bob@partner.test", 4, List.of(T0)));

        verifications().remove(BOB_KEY);

        assertThat(verifications().get(ALICE_KEY)).contains(verified(RELAY));
        assertThat(verifications().get(BOB_KEY)).isEmpty();
    }
}
