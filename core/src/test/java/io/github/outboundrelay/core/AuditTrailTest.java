package io.github.outboundrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.AuditTrail.Kind;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.store.SettingsEventLogContract;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;

/** Relay attempts and configuration events in one sequence, paged over the merge: no entry repeated nor skipped. */
class AuditTrailTest {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    InMemoryRelayAttemptLog attempts = new InMemoryRelayAttemptLog();
    InMemorySettingsEventLog events = new InMemorySettingsEventLog();
    AuditTrail trail = new AuditTrail(attempts, events);

    @Test
    void bothKindsAreListedOldestFirstAttemptsFirstOnTheSameInstant() {
        SettingsEvent added = SettingsEventLogContract.numbered(T0, 1);
        RelayAttempt delivered = RelayAttemptLogContract.numbered(T0.plusSeconds(1), 1);
        SettingsEvent removed = SettingsEventLogContract.numbered(T0.plusSeconds(1), 2);
        RelayAttempt earliest = RelayAttemptLogContract.numbered(T0.minusSeconds(1), 0);
        events.record(added);
        attempts.record(delivered);
        events.record(removed);
        attempts.record(earliest);

        assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.values()), 0, 100))
            .containsExactly(earliest, added, delivered, removed);
        assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.SETTINGS), 0, 100)).containsExactly(added, removed);
        assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.RELAY_ATTEMPT), 0, 100)).containsExactly(earliest, delivered);
        assertThat(trail.find(Optional.empty(), T0.plusSeconds(1), Set.of(Kind.values()), 1, 100)).containsExactly(removed);
    }

    @Test
    void theUserFilterAppliesToBothKinds() {
        attempts.record(RelayAttemptLogContract.attempt(T0, RelayAttemptLogContract.BOB, "bob@partner.test"));
        events.record(SettingsEventLogContract.policyEvent(T0));
        SettingsEvent alices = SettingsEventLogContract.numbered(T0.plusSeconds(1), 0);
        events.record(alices);
        RelayAttempt aliceAttempt = RelayAttemptLogContract.numbered(T0.plusSeconds(2), 3);
        attempts.record(aliceAttempt);

        assertThat(trail.find(Optional.of(RelayAttemptLogContract.ALICE), Instant.EPOCH, Set.of(Kind.values()), 0, 100))
            .containsExactly(alices, aliceAttempt);
    }

    @Test
    void theAddressFilterAppliesToBothKindsAndUntilEndsEachPage() {
        attempts.record(RelayAttemptLogContract.attempt(T0, RelayAttemptLogContract.BOB, "bob@partner.test"));
        SettingsEvent added = SettingsEventLogContract.numbered(T0.plusSeconds(1), 0);
        events.record(added);
        RelayAttempt delivered = RelayAttemptLogContract.numbered(T0.plusSeconds(2), 3);
        attempts.record(delivered);
        events.record(SettingsEventLogContract.numbered(T0.plusSeconds(3), 1));
        AuditTrail.Query aliceAddress = new AuditTrail.Query(Optional.empty(),
            Optional.of(SendAsRegistryContract.address("alice@partner.test")), Instant.EPOCH, Optional.of(T0.plusSeconds(3)),
            Set.of(Kind.values()));

        assertThat(trail.find(aliceAddress, 0, 100)).containsExactly(added, delivered);
        assertThat(trail.find(aliceAddress, 1, 1)).containsExactly(delivered);
        assertThat(trail.find(aliceAddress, 2, 1)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 50})
    void everyPageSizeWalksTheMergedSequenceExactlyOnce(int pageSize) {
        Random random = new Random(pageSize);
        for (int index = 0; index < 120; index++) {
            Instant at = T0.plusSeconds(random.nextInt(40)); // many ties, within and across kinds
            if (random.nextInt(3) == 0) {
                events.record(SettingsEventLogContract.numbered(at, index));
            } else {
                attempts.record(RelayAttemptLogContract.numbered(at, index));
            }
        }
        List<AuditEntry> expected = naiveMerge();

        List<AuditEntry> paged = new ArrayList<>();
        for (int offset = 0; offset < 130; offset += pageSize) {
            paged.addAll(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.values()), offset, pageSize));
        }

        assertThat(paged).containsExactlyElementsOf(expected);
        IntStream.range(0, expected.size()).forEach(offset ->
            assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.values()), offset, 1))
                .containsExactly(expected.get(offset)));
    }

    @Test
    void aPageBeyondTheEndIsEmptyWhicheverKindIsShorter() {
        IntStream.range(0, 5).forEach(index -> attempts.record(RelayAttemptLogContract.numbered(T0.plusSeconds(index), index)));
        events.record(SettingsEventLogContract.numbered(T0, 0));

        assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.values()), 5, 10)).hasSize(1);
        assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.values()), 6, 10)).isEmpty();
        assertThat(trail.find(Optional.empty(), Instant.EPOCH, Set.of(Kind.values()), 1000, 10)).isEmpty();
    }

    /** Both logs sorted by instant (stable), attempts first on ties. */
    private List<AuditEntry> naiveMerge() {
        List<AuditEntry> all = new ArrayList<>(attempts.find(Optional.empty(), Instant.EPOCH, 0, 1000));
        all.addAll(events.find(Optional.empty(), Instant.EPOCH, 0, 1000));
        all.sort(Comparator.comparing(AuditEntry::at));
        return all;
    }
}
