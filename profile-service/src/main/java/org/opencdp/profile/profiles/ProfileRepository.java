package org.opencdp.profile.profiles;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    /** Creates the profile or moves its {@code updated_at} forward; either way its row stays locked. */
    void upsert(String workspaceId, String id, Instant at) {
        OffsetDateTime time = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        jdbc.update("""
                INSERT INTO profiles (workspace_id, id, created_at, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, id) DO UPDATE SET updated_at = GREATEST(profiles.updated_at, EXCLUDED.updated_at)""",
                workspaceId, id, time, time);
    }

    Optional<Profile> find(String workspaceId, String id) {
        return jdbc.query("SELECT created_at, updated_at FROM profiles WHERE workspace_id = ? AND id = ?",
                (rs, row) -> new Profile(workspaceId, id, rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()),
                workspaceId, id).stream().findFirst();
    }
}
