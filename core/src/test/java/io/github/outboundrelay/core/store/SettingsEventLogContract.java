package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.outboundrelay.core.SettingsEvent.Type;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.settings.Actor;

/**
 * What every {@link SettingsEventLog} must do: the rules of {@link RelayAttemptLogContract} (oldest first, events of one
 * instant in recording order, {@code since} inclusive, filters before paging, instants kept at least to the
 * millisecond), and every field round-trips, absent owner, address or domain included. An implementation's test
 * implements this interface and gives a fresh, empty log per test. Published in core's test-jar.
 */
public interface SettingsEventLogContract {
    Username ALICE = Username.of("alice@ourdomain.test");
    Username BOB = Username.of("bob@ourdomain.test");
    Instant T0 = Instant.parse("2026-11-28T10:00:00.123Z");

    /** A new, empty log for each test. */
    SettingsEventLog log();

    static SettingsEvent sendAsEvent(Instant at, Username user, String sendAs, Type type, String detail) {
        return new SettingsEvent(at, Actor.USER, type, Optional.of(user), Optional.of(SendAsRegistryContract.address(sendAs)),
            Optional.empty(), detail);
    }

    /** A distinct event per index: the detail tells them apart. */
    static SettingsEvent numbered(Instant at, int index) {
        return sendAsEvent(at, ALICE, "alice@partner.test", Type.SEND_AS_CHANGED, "change " + index);
    }

    static SettingsEvent policyEvent(Instant at) {
        return new SettingsEvent(at, Actor.ADMIN, Type.DOMAIN_POLICY_CHANGED, Optional.empty(), Optional.empty(),
            Optional.of(Domain.of("ourdomain.test")), "allowed false -> true, allowInsecure false -> false");
    }

    private List<SettingsEvent> all() {
        return log().find(Optional.empty(), Instant.EPOCH, 0, 1000);
    }

    @Test
    default void findIsEmptyWhenNothingWasRecorded() {
        assertThat(all()).isEmpty();
    }

    @Test
    default void theAddressFilterComparesKeysLeavesOutEventsAboutNoAddressAndAppliesBeforePaging() {
        log().record(sendAsEvent(T0, ALICE, "alice@partner.test", Type.SEND_AS_ADDED, "a"));
        log().record(policyEvent(T0.plusMillis(1)));
        log().record(sendAsEvent(T0.plusMillis(2), ALICE, "alice@other.test", Type.SEND_AS_ADDED, "b"));
        log().record(sendAsEvent(T0.plusMillis(3), ALICE, "Alice@Partner.TEST", Type.SEND_AS_CHANGED, "c"));
        log().record(sendAsEvent(T0.plusMillis(4), ALICE, "alice@partner.test", Type.SEND_AS_REMOVED, "d"));

        assertThat(log().find(Optional.empty(), Optional.of(SendAsRegistryContract.address("ALICE@partner.test")), Instant.EPOCH, 1, 100))
            .extracting(SettingsEvent::detail).containsExactly("c", "d");
    }

    @Test
    default void anAddressEventRoundTrips() {
        SettingsEvent event = new SettingsEvent(T0, Actor.ADMIN, Type.SEND_AS_CHANGED, Optional.of(ALICE),
            Optional.of(SendAsRegistryContract.address("Alice@Partner.test")), Optional.empty(),
            "host a.test -> b.test, password replaced; status pending");

        log().record(event);

        assertThat(all()).containsExactly(event);
        assertThat(all().get(0).sendAs()).hasValueSatisfying(address -> assertThat(address.asString()).isEqualTo("Alice@partner.test"));
    }

    @Test
    default void aPolicyEventWithoutOwnerNorAddressRoundTrips() {
        SettingsEvent event = policyEvent(T0);

        log().record(event);

        assertThat(all()).containsExactly(event);
    }

    @Test
    default void aRotationWithoutAnySubjectRoundTrips() {
        SettingsEvent event = new SettingsEvent(T0, Actor.ADMIN, Type.SECRET_KEYS_ROTATED, Optional.empty(), Optional.empty(),
            Optional.empty(), "");

        log().record(event);

        assertThat(all()).containsExactly(event);
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    default void everyTypeAndActorRoundTrips(Type type) {
        Actor namedAdmin = Actor.admin(Username.of("root@ourdomain.test"));
        for (Actor actor : List.of(Actor.USER, Actor.ADMIN, namedAdmin)) {
            log().record(new SettingsEvent(T0, actor, type, Optional.of(ALICE), Optional.empty(), Optional.empty(), type.label()));
        }

        assertThat(all()).extracting(SettingsEvent::type, SettingsEvent::actor)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(type, Actor.USER), org.assertj.core.groups.Tuple.tuple(type, Actor.ADMIN),
                org.assertj.core.groups.Tuple.tuple(type, namedAdmin));
    }

    @Test
    default void aLongDetailIsKeptUpToItsLimit() {
        String detail = "x".repeat(SettingsEvent.MAX_DETAIL + 50);

        log().record(sendAsEvent(T0, ALICE, "alice@partner.test", Type.SEND_AS_CHANGED, detail));

        assertThat(all()).singleElement().satisfies(found -> assertThat(found.detail()).hasSize(SettingsEvent.MAX_DETAIL));
    }

    @Test
    default void instantsAreKeptAtLeastToTheMillisecond() {
        Instant precise = Instant.parse("2026-11-28T10:00:00.123456789Z");

        log().record(numbered(precise, 0));

        assertThat(all().get(0).at()).isBetween(precise.truncatedTo(ChronoUnit.MILLIS), precise);
    }

    @Test
    default void findListsOldestFirstAndEventsOfOneInstantInRecordingOrder() {
        log().record(numbered(T0.plusSeconds(2), 0));
        IntStream.range(1, 15).forEach(index -> log().record(numbered(T0, index)));
        log().record(numbered(T0.minusSeconds(1), 15));

        assertThat(all()).extracting(SettingsEvent::detail).containsExactlyElementsOf(
            java.util.stream.Stream.concat(java.util.stream.Stream.of("change 15"),
                java.util.stream.Stream.concat(IntStream.range(1, 15).mapToObj(index -> "change " + index),
                    java.util.stream.Stream.of("change 0"))).toList());
    }

    @Test
    default void findFiltersByOwnerAndLeavesEventsWithoutOwnerOut() {
        SettingsEvent alice = sendAsEvent(T0, ALICE, "alice@partner.test", Type.SEND_AS_ADDED, "");
        SettingsEvent policy = policyEvent(T0.plusSeconds(1));
        SettingsEvent bob = sendAsEvent(T0.plusSeconds(2), BOB, "bob@partner.test", Type.SEND_AS_REMOVED, "");
        log().record(alice);
        log().record(policy);
        log().record(bob);

        assertThat(log().find(Optional.of(ALICE), Instant.EPOCH, 0, 100)).containsExactly(alice);
        assertThat(log().find(Optional.of(BOB), Instant.EPOCH, 0, 100)).containsExactly(bob);
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 0, 100)).containsExactly(alice, policy, bob);
    }

    @Test
    default void sinceIsInclusive() {
        SettingsEvent before = numbered(T0.minusMillis(1), 0);
        SettingsEvent at = numbered(T0, 1);
        SettingsEvent after = numbered(T0.plusMillis(1), 2);
        log().record(before);
        log().record(at);
        log().record(after);

        assertThat(log().find(Optional.empty(), T0, 0, 100)).containsExactly(at, after);
        assertThat(log().find(Optional.of(ALICE), T0.plusMillis(1), 0, 100)).containsExactly(after);
        assertThat(log().find(Optional.empty(), T0.plusMillis(2), 0, 100)).isEmpty();
    }

    @Test
    default void pagingAppliesAfterTheFiltersAndNeitherRepeatsNorSkips() {
        for (int index = 0; index < 30; index++) {
            log().record(index % 3 == 0 ? policyEvent(T0) : numbered(T0, index));
        }

        List<String> paged = IntStream.range(0, 4)
            .mapToObj(page -> log().find(Optional.of(ALICE), T0, page * 6, 6))
            .flatMap(List::stream).map(SettingsEvent::detail).toList();

        assertThat(paged).containsExactlyElementsOf(IntStream.range(0, 30).filter(index -> index % 3 != 0)
            .mapToObj(index -> "change " + index).toList());
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 29, 10)).hasSize(1);
        assertThat(log().find(Optional.empty(), Instant.EPOCH, 30, 10)).isEmpty();
    }
}
