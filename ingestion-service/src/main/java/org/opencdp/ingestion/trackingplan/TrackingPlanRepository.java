package org.opencdp.ingestion.trackingplan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The {@code tracking_plans} table: one plan per source, every query scoped to the workspace. */
@Repository
class TrackingPlanRepository {

    /** A plan as stored, with when it was first stored and last replaced. */
    record StoredPlan(TrackingPlan plan, Instant createdAt, Instant updatedAt) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    TrackingPlanRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    StoredPlan save(String workspaceId, UUID sourceId, TrackingPlan plan, Instant now) {
        return jdbc.queryForObject("""
                        INSERT INTO tracking_plans (workspace_id, source_id, plan, created_at, updated_at)
                        VALUES (?, ?, ?::jsonb, ?, ?)
                        ON CONFLICT (workspace_id, source_id) DO UPDATE SET plan = EXCLUDED.plan,
                            updated_at = EXCLUDED.updated_at
                        RETURNING plan::text, created_at, updated_at""",
                this::stored, workspaceId, sourceId, plan.toJson().toString(), utc(now), utc(now));
    }

    Optional<StoredPlan> find(String workspaceId, UUID sourceId) {
        return jdbc.query("SELECT plan::text, created_at, updated_at FROM tracking_plans "
                        + "WHERE workspace_id = ? AND source_id = ?",
                this::stored, workspaceId, sourceId).stream().findFirst();
    }

    boolean delete(String workspaceId, UUID sourceId) {
        return jdbc.update("DELETE FROM tracking_plans WHERE workspace_id = ? AND source_id = ?",
                workspaceId, sourceId) > 0;
    }

    private StoredPlan stored(ResultSet rs, int row) throws SQLException {
        return new StoredPlan(TrackingPlan.fromJson(json.readTree(rs.getString(1))),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
