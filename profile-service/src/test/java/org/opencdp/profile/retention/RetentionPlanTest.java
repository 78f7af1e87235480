package org.opencdp.profile.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void shouldCreateEveryMonthFromTheHorizonToThePartitionsAhead() {
        RetentionPlan plan = RetentionPlan.of(NOW, 90, Map.of(), Set.of(), 2);

        assertThat(plan.horizon()).isEqualTo(Instant.parse("2026-08-30T12:00:00Z"));
        assertThat(plan.create()).containsExactly(YearMonth.of(2026, 8), YearMonth.of(2026, 9), YearMonth.of(2026, 10),
                YearMonth.of(2026, 11), YearMonth.of(2026, 12), YearMonth.of(2027, 1));
        assertThat(plan.drop()).isEmpty();
        assertThat(plan.shorter()).isEmpty();
        assertThat(plan.defaultCutoff()).isEmpty();
    }

    @Test
    void shouldDropOnlyPartitionsWhollyBeforeTheLongestRetention() {
        Set<YearMonth> existing = Set.of(YearMonth.of(2026, 7), YearMonth.of(2026, 8), YearMonth.of(2026, 9),
                YearMonth.of(2026, 10), YearMonth.of(2026, 11), YearMonth.of(2026, 12), YearMonth.of(2027, 1));

        RetentionPlan plan = RetentionPlan.of(NOW, 90, Map.of("ws_short", 30), existing, 2);

        assertThat(plan.drop()).as("August ends after the horizon (Aug 30): it stays")
                .containsExactly(YearMonth.of(2026, 7));
        assertThat(plan.create()).isEmpty();
        assertThat(plan.shorter()).containsExactly(Map.entry("ws_short", Instant.parse("2026-10-29T12:00:00Z")));
        assertThat(plan.defaultCutoff()).isEmpty();
    }

    @Test
    void shouldDeleteRowsOfDefaultWorkspacesWhenAWorkspaceKeepsEventsLonger() {
        RetentionPlan plan = RetentionPlan.of(NOW, 30, Map.of("ws_long", 60, "ws_mid", 45, "ws_short", 7), Set.of(), 1);

        assertThat(plan.horizon()).isEqualTo(Instant.parse("2026-09-29T12:00:00Z"));
        assertThat(plan.shorter()).containsOnlyKeys("ws_mid", "ws_short");
        assertThat(plan.defaultCutoff()).contains(Instant.parse("2026-10-29T12:00:00Z"));
        assertThat(plan.create()).containsExactly(YearMonth.of(2026, 9), YearMonth.of(2026, 10),
                YearMonth.of(2026, 11), YearMonth.of(2026, 12));
    }

    @Test
    void shouldNameMonthlyPartitionsAndRecogniseOnlyThose() {
        assertThat(RetentionPlan.partitionName(YearMonth.of(2026, 3))).isEqualTo("events_p202603");
        assertThat(RetentionPlan.months(List.of("events_p202603", "events_default", "events_p2026", "archive_2025")))
                .containsExactly(YearMonth.of(2026, 3));
        assertThat(RetentionPlan.start(YearMonth.of(2026, 12))).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(RetentionPlan.end(YearMonth.of(2026, 12))).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }
}
