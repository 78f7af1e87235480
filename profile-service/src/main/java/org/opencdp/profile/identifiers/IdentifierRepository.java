package org.opencdp.profile.identifiers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    /** Records identifiers of a profile; one already held by a profile stays with it. */
    void insertMissing(String workspaceId, String profileId, List<Identifier> identifiers, Instant seenAt) {
        OffsetDateTime at = OffsetDateTime.ofInstant(seenAt, ZoneOffset.UTC);
        jdbc.batchUpdate("""
                        INSERT INTO profile_identifiers (workspace_id, type, value, profile_id, first_seen_at)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, type, value) DO NOTHING""",
                identifiers.stream().map(i -> new Object[] {workspaceId, i.type(), i.value(), profileId, at}).toList());
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
