package org.opencdp.profile.identifiers;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.opencdp.contracts.Identifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code profile_identifiers} table: which profile carries each identifier. */
@Repository
class IdentifierRepository {

    private final JdbcTemplate jdbc;

    IdentifierRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records identifiers, each for its profile and first-seen time, in one statement (at most one
     * row per identifier, inserted in (workspace, type, value) order); one already held by a profile
     * stays with it.
     */
    void insertMissing(List<Seen> seen) {
        if (seen.isEmpty()) {
            return;
        }
        List<Seen> sorted = seen.stream().sorted(java.util.Comparator.comparing(Seen::workspaceId)
                .thenComparing(s -> s.identifier().type()).thenComparing(s -> s.identifier().value())).toList();
        jdbc.update("""
                        INSERT INTO profile_identifiers (workspace_id, type, value, profile_id, first_seen_at)
                        SELECT w, t, v, p, f FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                             WITH ORDINALITY AS x (w, t, v, p, f, position)
                        ORDER BY position
                        ON CONFLICT (workspace_id, type, value) DO NOTHING""",
                sorted.stream().map(Seen::workspaceId).toArray(String[]::new),
                sorted.stream().map(s -> s.identifier().type()).toArray(String[]::new),
                sorted.stream().map(s -> s.identifier().value()).toArray(String[]::new),
                sorted.stream().map(Seen::profileId).toArray(String[]::new),
                sorted.stream().map(s -> s.seenAt().toString()).toArray(String[]::new));
    }

    /** An identifier seen on a profile at an event time. */
    record Seen(String workspaceId, Identifier identifier, String profileId, Instant seenAt) {
    }

    Optional<String> profileOf(String workspaceId, String type, String value) {
        return jdbc.queryForList("""
                SELECT profile_id FROM profile_identifiers WHERE workspace_id = ? AND type = ? AND value = ?""",
                String.class, workspaceId, type, value).stream().findFirst();
    }

    void reassign(String workspaceId, String fromProfileId, String toProfileId) {
        jdbc.update("UPDATE profile_identifiers SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?",
                toProfileId, workspaceId, fromProfileId);
    }
}
