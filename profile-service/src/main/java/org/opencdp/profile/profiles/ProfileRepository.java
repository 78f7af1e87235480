package org.opencdp.profile.profiles;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code profiles} table. */
@Repository
class ProfileRepository {

    private final JdbcTemplate jdbc;

    ProfileRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Creates the profile or, unless it was merged away, moves its {@code updated_at} forward; either
     * way its row stays locked until the transaction ends. Returns the profile it was merged into,
     * or null.
     */
    String upsert(String workspaceId, String id, Instant at) {
        OffsetDateTime time = utc(at);
        return jdbc.queryForObject("""
                INSERT INTO profiles (workspace_id, id, created_at, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, id) DO UPDATE SET updated_at = CASE WHEN profiles.merged_into IS NULL
                    THEN GREATEST(profiles.updated_at, EXCLUDED.updated_at) ELSE profiles.updated_at END
                RETURNING merged_into""", String.class, workspaceId, id, time, time);
    }

    /** Locks an existing profile's row; returns it, or empty when there is none. */
    Optional<Profile> lock(String workspaceId, String id) {
        return jdbc.query("""
                SELECT id, created_at, updated_at, merged_into FROM profiles
                WHERE workspace_id = ? AND id = ? FOR UPDATE""",
                (rs, row) -> map(workspaceId, rs), workspaceId, id).stream().findFirst();
    }

    Optional<Profile> find(String workspaceId, String id) {
        return jdbc.query("""
                SELECT id, created_at, updated_at, merged_into FROM profiles WHERE workspace_id = ? AND id = ?""",
                (rs, row) -> map(workspaceId, rs), workspaceId, id).stream().findFirst();
    }

    /** Marks {@code id} merged into {@code survivorId}, and gives the survivor the earlier creation time. */
    void markMerged(String workspaceId, String id, String survivorId, Instant at) {
        jdbc.update("UPDATE profiles SET merged_into = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                survivorId, utc(at), workspaceId, id);
        jdbc.update("""
                UPDATE profiles s SET created_at = LEAST(s.created_at, m.created_at), updated_at = GREATEST(s.updated_at, ?)
                FROM profiles m WHERE s.workspace_id = ? AND s.id = ? AND m.workspace_id = s.workspace_id AND m.id = ?""",
                utc(at), workspaceId, survivorId, id);
    }

    /** Every profile merged into {@code id}, directly or through another merged profile, sorted. */
    List<String> mergedInto(String workspaceId, String id) {
        return jdbc.queryForList("""
                WITH RECURSIVE merged(id, depth) AS (
                    SELECT id, 1 FROM profiles WHERE workspace_id = ? AND merged_into = ?
                    UNION ALL
                    SELECT p.id, m.depth + 1 FROM profiles p JOIN merged m ON p.merged_into = m.id
                    WHERE p.workspace_id = ? AND m.depth < 64)
                SELECT id FROM merged ORDER BY id""", String.class, workspaceId, id, workspaceId);
    }

    private static Profile map(String workspaceId, ResultSet rs) throws SQLException {
        return new Profile(workspaceId, rs.getString("id"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getString("merged_into"));
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
