package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayOutcome.Kind;
import io.github.outboundrelay.core.SendAsKey;

/**
 * What every {@link RelayAttemptLog} must do, James style: an implementation's test implements this interface and
 * gives a fresh, empty log per test. Published in core's test-jar for the other stores.
 * <ul>
 *     <li><b>Order</b>: {@link RelayAttemptLog#find} lists attempts oldest first (by {@link RelayAttempt#at()});
 *     attempts of the same instant keep the order they were recorded in. {@link RelayAttemptLog#latestFor} is the
 *     attempt {@code find} would list last for that address.</li>
 *     <li><b>Filters</b>: {@code since} is inclusive; the user filter applies before {@code offset}/{@code limit}.</li>
 *     <li><b>Addresses</b> are compared by {@link SendAsKey} (case-folded, IDN in ASCII).</li>
 *     <li><b>Precision</b>: a store keeps instants <em>at least to the millisecond</em>, which is enough for an audit
 *     trail: an instant read back is the recorded one, or the recorded one truncated to the millisecond (never later,
 *     never earlier than that). Every test below except {@link #instantsAreKeptAtLeastToTheMillisecond()} therefore
 *     uses whole milliseconds. As a consequence, when {@code since} and an attempt fall into the same millisecond, a
 *     store keeping milliseconds includes the attempt; that case is not tested.</li>
 * </ul>
 * Everything else of an attempt round-trips exactly, including an absent reply code and an empty Message-ID.
 */
public interface RelayAttemptLogContract {
    Username ALICE = Username.of("alice@ourdomain.test");
    Username BOB = Username.of("bob@ourdomain.test");
    Instant T0 = Instant.parse("2026-11-26T10:00:00.123Z");

    /** A new, empty log for each test. */
    RelayAttemptLog log();

    static RelayAttempt attempt(Instant at, Username user, String sendAs) {
        return attempt(at, user, sendAs, Kind.DELIVERED);
    }

    static RelayAttempt attempt(Instant at, Username user, String sendAs, Kind outcome) {
        return new RelayAttempt(at, user, SendAsRegistryContract.address(sendAs), "smtp.partner.test", 587,
            "<" + at.toEpochMilli() + "." + user.getLocalPart() + "@ourdomain.test>", 3, outcome, Optional.of(250));
    }

    /** A distinct attempt per index, all at {@code at}: the recipient count tells them apart. */
    static RelayAttempt numbered(Instant at, int index) {
        return new RelayAttempt(at, ALICE, SendAsRegistryContract.address("alice@partner.test"), "smtp.partner.test", 587,
            "<" + index + "@ourdomain.test>", index, Kind.DELIVERED, Optional.of(250));
    }

    @Test
    default void findIsEmptyWhenNothingWasRecorded() {
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).isEmpty();
    }

    @Test
    default void theAddressFilterComparesKeysAndAppliesBeforePaging() {
        log().record(attempt(T0, ALICE, "alice@partner.test"));
        log().record(attempt(T0.plusMillis(1), ALICE, "alice@other.test"));
        log().record(attempt(T0.plusMillis(2), BOB, "Alice@Partner.TEST"));
        log().record(attempt(T0.plusMillis(3), ALICE, "alice@partner.test"));

        assertThat(log().find(Optional.empty(), Optional.of(SendAsRegistryContract.address("ALICE@partner.test")), Instant.EPOCH, 1, 100))
            .extracting(RelayAttempt::at).containsExactly(T0.plusMillis(2), T0.plusMillis(3));
        assertThat(log().find(Optional.of(ALICE), Optional.of(SendAsRegistryContract.address("alice@partner.test")), Instant.EPOCH, 0, 100))
            .extracting(RelayAttempt::at).containsExactly(T0, T0.plusMillis(3));
    }

    @Test
    default void aRecordedAttemptRoundTrips() {
        RelayAttempt attempt = new RelayAttempt(T0, ALICE, SendAsRegistryContract.address("alice@partner.test"),
            "smtp.partner.test", 465, "<abc.123@ourdomain.test>", 7, Kind.REFUSED, true, Optional.of(550), RelayAttempt.PASSWORD);

        log().record(attempt);

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(attempt);
        RelayAttempt found = log().find(Optional.empty(), Instant.EPOCH, 0, 100).get(0);
        assertThat(found.at()).isEqualTo(T0);
        assertThat(found.user()).isEqualTo(ALICE);
        assertThat(found.sendAs().asString()).isEqualTo("alice@partner.test");
        assertThat(found.relayHost()).isEqualTo("smtp.partner.test");
        assertThat(found.relayPort()).isEqualTo(465);
        assertThat(found.messageId()).isEqualTo("<abc.123@ourdomain.test>");
        assertThat(found.recipientCount()).isEqualTo(7);
        assertThat(found.outcome()).isEqualTo(Kind.REFUSED);
        assertThat(found.partiallyDelivered()).isTrue();
        assertThat(found.reportedOutcome()).isEqualTo("PARTIALLY_DELIVERED");
        assertThat(found.replyCode()).contains(550);
        assertThat(found.credential()).isEqualTo("password");
    }

    @Test
    default void theCredentialKindOfAnAttemptRoundTrips() {
        RelayAttempt attempt = new RelayAttempt(T0, ALICE, SendAsRegistryContract.address("alice@partner.test"),
            "smtp.office365.test", 587, "<abc.124@ourdomain.test>", 1, Kind.AUTH_REJECTED, Optional.empty(), "oauth");

        log().record(attempt);

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(attempt);
        assertThat(log().latestFor(SendAsRegistryContract.address("alice@partner.test")).orElseThrow().credential())
            .isEqualTo("oauth");
    }

    @Test
    default void anAttemptWithoutReplyCodeNorMessageIdRoundTrips() {
        RelayAttempt attempt = new RelayAttempt(T0, ALICE, SendAsRegistryContract.address("alice@partner.test"),
            "smtp.partner.test", 587, null, 1, Kind.UNREACHABLE, Optional.empty());

        log().record(attempt);

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).singleElement().satisfies(found -> {
            assertThat(found).isEqualTo(attempt);
            assertThat(found.replyCode()).isEmpty();
            assertThat(found.messageId()).isEmpty();
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    default void everyOutcomeRoundTrips(Kind outcome) {
        log().record(attempt(T0, ALICE, "alice@partner.test", outcome));

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::outcome)
            .containsExactly(outcome);
    }

    @Test
    default void theSendAsAddressIsKeptAsRecorded() {
        log().record(attempt(T0, ALICE, "Alice@Partner.TEST"));

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).singleElement()
            .satisfies(found -> assertThat(found.sendAs().asString()).isEqualTo("Alice@partner.test"));
    }

    @Test
    default void instantsAreKeptAtLeastToTheMillisecond() {
        Instant precise = Instant.parse("2026-11-26T10:00:00.123456789Z");

        log().record(attempt(precise, ALICE, "alice@partner.test"));

        Instant found = log().find(Optional.empty(), Instant.EPOCH, 0, 100).get(0).at();
        assertThat(found).isBetween(precise.truncatedTo(ChronoUnit.MILLIS), precise);
    }

    @Test
    default void findListsOldestFirstWhateverTheOrderOfRecording() {
        RelayAttempt second = attempt(T0.plusSeconds(1), ALICE, "alice@partner.test");
        RelayAttempt third = attempt(T0.plusSeconds(2), BOB, "bob@partner.test");
        RelayAttempt first = attempt(T0, BOB, "bob@partner.test");
        RelayAttempt fourth = attempt(T0.plusMillis(2001), ALICE, "alice@partner.test");

        log().record(second);
        log().record(third);
        log().record(first);
        log().record(fourth);

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(first, second, third, fourth);
    }

    @Test
    default void attemptsOfTheSameInstantKeepTheirRecordingOrder() {
        IntStream.range(0, 20).forEach(index -> log().record(numbered(T0, index)));

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).extracting(RelayAttempt::recipientCount)
            .containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
    }

    @Test
    default void findFiltersByUser() {
        RelayAttempt alice1 = attempt(T0, ALICE, "alice@partner.test");
        RelayAttempt bob = attempt(T0.plusSeconds(1), BOB, "bob@partner.test");
        RelayAttempt alice2 = attempt(T0.plusSeconds(2), ALICE, "alice2@partner.test");
        log().record(alice1);
        log().record(bob);
        log().record(alice2);

        assertThat(log().find(Optional.of(ALICE), Instant.EPOCH, 0, 100)).containsExactly(alice1, alice2);
        assertThat(log().find(Optional.of(BOB), Instant.EPOCH, 0, 100)).containsExactly(bob);
        assertThat(log().find(Optional.of(Username.of("carol@ourdomain.test")), Instant.EPOCH, 0, 100)).isEmpty();
    }

    @Test
    default void sinceIsInclusive() {
        RelayAttempt before = attempt(T0.minusMillis(1), ALICE, "alice@partner.test");
        RelayAttempt at = attempt(T0, ALICE, "alice@partner.test");
        RelayAttempt after = attempt(T0.plusMillis(1), ALICE, "alice@partner.test");
        log().record(before);
        log().record(at);
        log().record(after);

        assertThat(log().find(Optional.empty(), T0, 0, 100)).containsExactly(at, after);
        assertThat(log().find(Optional.of(ALICE), T0.plusMillis(1), 0, 100)).containsExactly(after);
        assertThat(log().find(Optional.empty(), T0.plusMillis(2), 0, 100)).isEmpty();
    }

    @Test
    default void offsetAndLimitPageThroughTheAttempts() {
        IntStream.range(0, 5).forEach(index -> log().record(numbered(T0.plusSeconds(index), index)));

        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 2)).extracting(RelayAttempt::recipientCount).containsExactly(0, 1);
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 2, 2)).extracting(RelayAttempt::recipientCount).containsExactly(2, 3);
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 4, 2)).extracting(RelayAttempt::recipientCount).containsExactly(4);
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 5, 2)).isEmpty();
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 1, 1000)).hasSize(4);
    }

    @Test
    default void pagingAppliesAfterTheFilters() {
        for (int index = 0; index < 6; index++) {
            log().record(attempt(T0.plusSeconds(index), index % 2 == 0 ? ALICE : BOB, "x" + index + "@partner.test"));
        }

        assertThat(log().find(Optional.of(ALICE), Instant.EPOCH, 1, 1)).extracting(attempt -> attempt.sendAs().asString())
            .containsExactly("x2@partner.test");
        assertThat(log().find(Optional.of(BOB), T0.plusSeconds(2), 1, 10)).extracting(attempt -> attempt.sendAs().asString())
            .containsExactly("x5@partner.test");
    }

    @Test
    default void pagesOfTheSameInstantNeitherRepeatNorSkipAnAttempt() {
        IntStream.range(0, 30).forEach(index -> log().record(numbered(T0, index)));

        assertThat(IntStream.range(0, 3)
            .mapToObj(page -> log().find(Optional.empty(), T0, page * 10, 10))
            .flatMap(java.util.List::stream)
            .map(RelayAttempt::recipientCount))
            .containsExactlyElementsOf(IntStream.range(0, 30).boxed().toList());
    }

    @Test
    default void latestForIsEmptyForAnAddressNeverUsed() {
        log().record(attempt(T0, ALICE, "alice@partner.test"));

        assertThat(log().latestFor(SendAsRegistryContract.address("bob@partner.test"))).isEmpty();
    }

    @Test
    default void latestForIsTheNewestAttemptThroughThatAddress() {
        log().record(attempt(T0, ALICE, "alice@partner.test", Kind.DEFERRED));
        RelayAttempt latest = attempt(T0.plus(Duration.ofMinutes(5)), ALICE, "alice@partner.test", Kind.DELIVERED);
        log().record(latest);
        log().record(attempt(T0.plus(Duration.ofMinutes(6)), ALICE, "alice2@partner.test", Kind.REFUSED));

        assertThat(log().latestFor(SendAsRegistryContract.address("alice@partner.test"))).contains(latest);
    }

    @Test
    default void latestForIsTheNewestByTimeEvenWhenRecordedEarlier() {
        RelayAttempt latest = attempt(T0.plusSeconds(10), ALICE, "alice@partner.test", Kind.DELIVERED);
        log().record(latest);
        log().record(attempt(T0, ALICE, "alice@partner.test", Kind.DEFERRED));

        assertThat(log().latestFor(SendAsRegistryContract.address("alice@partner.test"))).contains(latest);
    }

    @Test
    default void latestForOfTheSameInstantIsTheLastRecorded() {
        IntStream.range(0, 5).forEach(index -> log().record(numbered(T0, index)));

        assertThat(log().latestFor(SendAsRegistryContract.address("alice@partner.test")))
            .hasValueSatisfying(found -> assertThat(found.recipientCount()).isEqualTo(4));
    }

    @Test
    default void latestForIgnoresCase() {
        RelayAttempt attempt = attempt(T0, ALICE, "Alice@Partner.TEST");
        log().record(attempt);

        assertThat(log().latestFor(SendAsRegistryContract.address("alice@partner.test"))).contains(attempt);
        assertThat(log().latestFor(SendAsRegistryContract.address("ALICE@partner.test"))).contains(attempt);
    }

    @Test
    default void latestForTakesEveryCaseVariantOfTheAddressAsOne() {
        log().record(attempt(T0, ALICE, "alice@partner.test", Kind.DEFERRED));
        RelayAttempt latest = attempt(T0.plusSeconds(1), ALICE, "ALICE@Partner.test", Kind.DELIVERED);
        log().record(latest);

        assertThat(log().latestFor(SendAsRegistryContract.address("alice@PARTNER.test"))).contains(latest);
    }

    @Test
    default void latestForFoldsTheAsciiFormOfAnIdnDomain() {
        RelayAttempt attempt = attempt(T0, ALICE, "alice@XN--BCHER-KVA.example");
        log().record(attempt);

        assertThat(log().latestFor(SendAsRegistryContract.address("alice@xn--bcher-kva.example"))).contains(attempt);
    }
}
