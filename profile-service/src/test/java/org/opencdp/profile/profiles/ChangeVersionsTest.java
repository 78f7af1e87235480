package org.opencdp.profile.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.profile.profiles.ChangeVersions.Change;
import tools.jackson.databind.node.JsonNodeFactory;

/** Issue 15: a transaction's changes of one profile get the numbers it reserved for them, in order. */
class ChangeVersionsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00.123456789Z");
    private static final ProfileRef P1 = new ProfileRef("ws", "p1");
    private static final ProfileRef P2 = new ProfileRef("ws", "p2");
    private static final ProfileRef OTHER_P1 = new ProfileRef("other", "p1");

    @Test
    void shouldCountEachProfilesChangesOfTheTransaction() {
        assertThat(ChangeVersions.countByProfile(List.of(change(P1), change(P2), change(P1), change(OTHER_P1),
                change(P1)))).containsExactly(Map.entry(P1, 3), Map.entry(P2, 1), Map.entry(OTHER_P1, 1));
    }

    @Test
    void shouldHandOutEachProfilesReservedNumbersInTheOrderOfItsChanges() {
        List<Change> changes = List.of(change(P1), change(P2), change(P1), change(OTHER_P1), change(P1));

        // counters after the reservation: p1 had 7 (now 10), p2 had 0 (now 1), other/p1 had 4 (now 5)
        List<ProfileChanged> numbered = ChangeVersions.numbered(changes, Map.of(P1, 10L, P2, 1L, OTHER_P1, 5L), NOW);

        assertThat(numbered).extracting(ProfileChanged::version).containsExactly(8L, 1L, 9L, 5L, 10L);
        assertThat(numbered).extracting(ProfileChanged::id)
                .containsExactlyElementsOf(changes.stream().map(Change::id).toList());
        assertThat(numbered).extracting(ProfileChanged::workspaceId).containsExactly("ws", "ws", "ws", "other", "ws");
        assertThat(numbered).extracting(ProfileChanged::profileId).containsExactly("p1", "p2", "p1", "p1", "p1");
        assertThat(numbered).extracting(ProfileChanged::occurredAt).as("the clock under the locks, in microseconds")
                .containsOnly(Instant.parse("2026-12-06T01:00:00.123456Z"));
        assertThat(numbered.getFirst().traits()).isEqualTo(changes.getFirst().traits());
    }

    @Test
    void shouldRefuseToNumberAChangeOfAProfileWithoutARow() {
        assertThatThrownBy(() -> ChangeVersions.numbered(List.of(change(P1), change(P2)), Map.of(P1, 1L), NOW))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("p2");
    }

    private static Change change(ProfileRef profile) {
        return new Change(UUID.randomUUID(), profile, Map.of("plan", JsonNodeFactory.instance.stringNode("pro")),
                Map.of());
    }
}
