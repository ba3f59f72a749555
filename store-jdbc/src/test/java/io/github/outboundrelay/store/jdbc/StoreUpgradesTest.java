package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One-time upgrades (schema V12) on both databases: run until one completes, then never again; a second node that
 * completes it meanwhile is no error; one that fails is run again at the next start.
 */
class StoreUpgradesTest {
    @RegisterExtension
    final OpenStore h2 = OpenStore.h2();
    @RegisterExtension
    final OpenStore postgresql = OpenStore.postgresql();

    @Test
    void onH2() {
        runsUntilItCompletedOnce(h2.store());
    }

    @Test
    void onPostgresql() {
        runsUntilItCompletedOnce(postgresql.store());
    }

    private static void runsUntilItCompletedOnce(JdbcOutboundRelayStore store) {
        List<String> runs = new ArrayList<>();

        assertThatThrownBy(() -> store.runOnce("binding", () -> {
            runs.add("failed");
            throw new IllegalStateException("the database went away");
        })).hasMessage("the database went away");
        // Another node starting at the same time completes it while this one runs it too.
        store.runOnce("binding", () -> {
            runs.add("this node");
            store.runOnce("binding", () -> runs.add("other node"));
        });
        store.runOnce("binding", () -> runs.add("next start"));
        store.runOnce("another", () -> runs.add("another upgrade"));

        assertThat(runs).containsExactly("failed", "this node", "other node", "another upgrade");
    }
}
