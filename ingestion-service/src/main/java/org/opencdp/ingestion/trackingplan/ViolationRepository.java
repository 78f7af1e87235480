package org.opencdp.ingestion.trackingplan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The {@code tracking_plan_violations} table: per source and event, how many events violated the
 * plan, how many of them were blocked, and the latest {@link #MAX_SAMPLES} samples.
 */
@Repository
class ViolationRepository {

    static final int MAX_SAMPLES = 10;

    /** The violations of one event (type and name) in one call, newest sample first. */
    record Tally(String type, String eventName, long violations, long blocked, ArrayNode samples) {
    }

    /** The violations of one event of a source, as stored. */
    record Row(String type, String eventName, long violations, long blocked, Instant firstSeenAt,
               Instant lastSeenAt, JsonNode samples) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    ViolationRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Adds the tallies; callers sort them by key so concurrent calls lock rows in the same order. */
    void add(String workspaceId, UUID sourceId, List<Tally> tallies, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        jdbc.batchUpdate("""
                        INSERT INTO tracking_plan_violations AS v (workspace_id, source_id, event_type, event_name,
                            violations, blocked, first_seen_at, last_seen_at, samples)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                        ON CONFLICT (workspace_id, source_id, event_type, event_name) DO UPDATE SET
                            violations = v.violations + EXCLUDED.violations,
                            blocked = v.blocked + EXCLUDED.blocked,
                            last_seen_at = GREATEST(v.last_seen_at, EXCLUDED.last_seen_at),
                            samples = jsonb_path_query_array(EXCLUDED.samples || v.samples, '$[0 to %d]')"""
                        .formatted(MAX_SAMPLES - 1),
                tallies, tallies.size(), (statement, tally) -> {
                    statement.setString(1, workspaceId);
                    statement.setObject(2, sourceId);
                    statement.setString(3, tally.type());
                    statement.setString(4, tally.eventName());
                    statement.setLong(5, tally.violations());
                    statement.setLong(6, tally.blocked());
                    statement.setObject(7, at);
                    statement.setObject(8, at);
                    statement.setString(9, tally.samples().toString());
                });
    }

    /** A source's violations, the most recently seen first. */
    List<Row> find(String workspaceId, UUID sourceId, int limit) {
        return jdbc.query("""
                        SELECT event_type, event_name, violations, blocked, first_seen_at, last_seen_at, samples::text
                        FROM tracking_plan_violations WHERE workspace_id = ? AND source_id = ?
                        ORDER BY last_seen_at DESC, event_type, event_name LIMIT ?""",
                this::row, workspaceId, sourceId, limit);
    }

    private Row row(ResultSet rs, int index) throws SQLException {
        return new Row(rs.getString("event_type"), rs.getString("event_name"), rs.getLong("violations"),
                rs.getLong("blocked"), rs.getObject("first_seen_at", OffsetDateTime.class).toInstant(),
                rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                json.readTree(rs.getString("samples")));
    }
}
