package org.opencdp.ingestion.sources;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code sources} table. Every query is scoped to a workspace, except the write-key lookup,
 * which is how the Tracking API learns the workspace in the first place.
 */
@Repository
class SourceRepository {

    private static final String COLUMNS = "workspace_id, id, name, write_key_hint, enabled, created_at, updated_at";

    private final JdbcTemplate jdbc;

    SourceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Source insert(String workspaceId, UUID id, String name, String writeKeyHash, String writeKeyHint, Instant now) {
        return jdbc.queryForObject("INSERT INTO sources (workspace_id, id, name, write_key_hash, write_key_hint, "
                        + "enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, true, ?, ?) RETURNING " + COLUMNS,
                SourceRepository::source, workspaceId, id, name, writeKeyHash, writeKeyHint, utc(now), utc(now));
    }

    List<Source> findAll(String workspaceId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM sources WHERE workspace_id = ? ORDER BY created_at, id",
                SourceRepository::source, workspaceId);
    }

    Optional<Source> find(String workspaceId, UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM sources WHERE workspace_id = ? AND id = ?",
                SourceRepository::source, workspaceId, id).stream().findFirst();
    }

    Optional<Source> updateEnabled(String workspaceId, UUID id, boolean enabled, Instant now) {
        return jdbc.query("UPDATE sources SET enabled = ?, updated_at = ? WHERE workspace_id = ? AND id = ? "
                        + "RETURNING " + COLUMNS,
                SourceRepository::source, enabled, utc(now), workspaceId, id).stream().findFirst();
    }

    Optional<Source> replaceWriteKey(String workspaceId, UUID id, String writeKeyHash, String writeKeyHint,
                                     Instant now) {
        return jdbc.query("UPDATE sources SET write_key_hash = ?, write_key_hint = ?, updated_at = ? "
                        + "WHERE workspace_id = ? AND id = ? RETURNING " + COLUMNS,
                SourceRepository::source, writeKeyHash, writeKeyHint, utc(now), workspaceId, id).stream().findFirst();
    }

    /** The source of a write key, in whichever workspace it is. */
    Optional<KeyOwner> findByWriteKeyHash(String writeKeyHash) {
        return jdbc.query("SELECT workspace_id, id, enabled FROM sources WHERE write_key_hash = ?",
                (rs, row) -> new KeyOwner(rs.getString("workspace_id"), rs.getObject("id", UUID.class),
                        rs.getBoolean("enabled")), writeKeyHash).stream().findFirst();
    }

    private static Source source(ResultSet rs, int row) throws SQLException {
        return new Source(rs.getString("workspace_id"), rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getString("write_key_hint"), rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
