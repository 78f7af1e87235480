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

    private static final String COLUMNS = "workspace_id, id, name, write_key_hint, enabled, "
            + "rate_limit_events_per_second, rate_limit_burst, "
            + "CASE WHEN previous_write_key_expires_at > now() THEN previous_write_key_expires_at END "
            + "AS previous_write_key_expires_at, created_at, updated_at";

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

    /**
     * Applies a change in one statement, so two concurrent changes of different fields both stay:
     * {@code enabled} when not null; the rate limit when {@code changeRateLimit} ({@code rateLimit}
     * null: back to the default).
     */
    Optional<Source> update(String workspaceId, UUID id, Boolean enabled, boolean changeRateLimit,
                            RateLimitOverride rateLimit, Instant now) {
        Integer eventsPerSecond = rateLimit == null ? null : rateLimit.eventsPerSecond();
        Integer burst = rateLimit == null ? null : rateLimit.burst();
        return jdbc.query("""
                        UPDATE sources SET enabled = COALESCE(?, enabled),
                            rate_limit_events_per_second = CASE WHEN ? THEN ? ELSE rate_limit_events_per_second END,
                            rate_limit_burst = CASE WHEN ? THEN ? ELSE rate_limit_burst END,
                            updated_at = ?
                        WHERE workspace_id = ? AND id = ? RETURNING\s""" + COLUMNS,
                SourceRepository::source, enabled, changeRateLimit, eventsPerSecond, changeRateLimit, burst,
                utc(now), workspaceId, id).stream().findFirst();
    }

    /**
     * Gives the source a new key in one statement. The key it had stays valid until {@code
     * previousValidUntil}; null revokes it at once. A key an earlier rotation kept is dropped either way.
     */
    Optional<Source> replaceWriteKey(String workspaceId, UUID id, String writeKeyHash, String writeKeyHint,
                                     Instant previousValidUntil, Instant now) {
        boolean keep = previousValidUntil != null;
        return jdbc.query("""
                        UPDATE sources SET previous_write_key_hash = CASE WHEN ? THEN write_key_hash END,
                            previous_write_key_expires_at = ?,
                            write_key_hash = ?, write_key_hint = ?, updated_at = ?
                        WHERE workspace_id = ? AND id = ? RETURNING\s""" + COLUMNS,
                SourceRepository::source, keep, keep ? utc(previousValidUntil) : null, writeKeyHash, writeKeyHint,
                utc(now), workspaceId, id).stream().findFirst();
    }

    /**
     * The source of a write key, in whichever workspace it is: its current key, or the one its last
     * rotation replaced while that is still valid ({@link KeyOwner#validUntil()}).
     */
    Optional<KeyOwner> findByWriteKeyHash(String writeKeyHash) {
        return jdbc.query("""
                        SELECT workspace_id, id, name, enabled, rate_limit_events_per_second, rate_limit_burst, updated_at,
                            CASE WHEN write_key_hash = ? THEN NULL ELSE previous_write_key_expires_at END AS valid_until
                        FROM sources
                        WHERE write_key_hash = ?
                           OR (previous_write_key_hash = ? AND previous_write_key_expires_at > now())""",
                (rs, row) -> new KeyOwner(rs.getString("workspace_id"), rs.getObject("id", UUID.class),
                        rs.getString("name"), rs.getBoolean("enabled"), rateLimit(rs), instant(rs, "updated_at"),
                        instant(rs, "valid_until")),
                writeKeyHash, writeKeyHash, writeKeyHash).stream().findFirst();
    }

    private static Source source(ResultSet rs, int row) throws SQLException {
        return new Source(rs.getString("workspace_id"), rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getString("write_key_hint"), rs.getBoolean("enabled"), rateLimit(rs),
                instant(rs, "previous_write_key_expires_at"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static RateLimitOverride rateLimit(ResultSet rs) throws SQLException {
        int eventsPerSecond = rs.getInt("rate_limit_events_per_second");
        if (rs.wasNull()) {
            return null;
        }
        return new RateLimitOverride(eventsPerSecond, rs.getInt("rate_limit_burst"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
