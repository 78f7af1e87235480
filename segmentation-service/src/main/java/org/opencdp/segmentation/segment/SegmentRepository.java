package org.opencdp.segmentation.segment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionParser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code segments} table: definitions, their status and the progress of their build. */
@Repository
public class SegmentRepository {

    private static final String COLUMNS = "id, name, condition::text, status, version, created_at, updated_at, "
            + "build_processed, build_total, build_phase, build_waiting::text";
    /** The profiles a build starts with: the workspace's known profiles now. */
    private static final String PROFILE_COUNT = "(SELECT count(*) FROM profile_traits p WHERE p.workspace_id = ?)";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final ConditionParser parser = new ConditionParser();

    SegmentRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The id, version and status of every segment of {@code workspaceIds}, in one statement. */
    List<SegmentVersion> versions(Collection<String> workspaceIds) {
        return jdbc.query("SELECT workspace_id, id, version, status FROM segments WHERE workspace_id = ANY (?::text[])",
                (rs, i) -> new SegmentVersion(rs.getString(1), rs.getString(2), rs.getLong(3),
                        SegmentStatus.valueOf(rs.getString(4)) == SegmentStatus.building),
                (Object) workspaceIds.toArray(String[]::new));
    }

    /** The current conditions of {@code which} (by workspace and id), in one statement; none when empty. */
    List<StoredCondition> conditions(List<SegmentVersion> which) {
        if (which.isEmpty()) {
            return List.of();
        }
        return jdbc.query("""
                        SELECT workspace_id, id, version, condition::text FROM segments
                        WHERE (workspace_id, id) IN (SELECT * FROM unnest(?::text[], ?::text[]))""",
                (rs, i) -> new StoredCondition(rs.getString(1), rs.getString(2), rs.getLong(3),
                        json.readTree(rs.getString(4))),
                which.stream().map(SegmentVersion::workspaceId).toArray(String[]::new),
                which.stream().map(SegmentVersion::id).toArray(String[]::new));
    }

    /** A new segment, {@code building} from {@code phase} (waiting for event traits, or evaluating at once). */
    void insert(String workspaceId, String id, String name, JsonNode condition, BuildPhase phase, Instant now) {
        jdbc.update("""
                        INSERT INTO segments (workspace_id, id, name, condition, status, version, created_at, updated_at,
                            build_phase, build_processed, build_total)
                        VALUES (?, ?, ?, ?::jsonb, 'building', 1, ?, ?, ?, 0, """ + PROFILE_COUNT + ")",
                workspaceId, id, name, json.writeValueAsString(condition), Timestamp.from(now),
                Timestamp.from(now), phase.name(), workspaceId);
    }

    Optional<SegmentRow> find(String workspaceId, String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM segments WHERE workspace_id = ? AND id = ?",
                this::row, workspaceId, id).stream().findFirst();
    }

    /** The segment, locked against a concurrent build batch, change or deletion until the transaction ends. */
    Optional<SegmentRow> lock(String workspaceId, String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM segments WHERE workspace_id = ? AND id = ? FOR UPDATE",
                this::row, workspaceId, id).stream().findFirst();
    }

    List<SegmentRow> list(String workspaceId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM segments WHERE workspace_id = ? ORDER BY created_at, id",
                this::row, workspaceId);
    }

    /** Renames and/or redefines a segment; a new condition restarts its build from the first profile. */
    SegmentRow update(String workspaceId, String id, String name, JsonNode condition, boolean rebuild,
                      BuildPhase phase, Instant now) {
        return jdbc.queryForObject("""
                        UPDATE segments SET name = ?, condition = ?::jsonb, updated_at = ?,
                            status = CASE WHEN ? THEN 'building' ELSE status END,
                            build_phase = CASE WHEN ? THEN ? ELSE build_phase END,
                            build_waiting = CASE WHEN ? THEN NULL ELSE build_waiting END,
                            build_check_after = CASE WHEN ? THEN NULL ELSE build_check_after END,
                            version = CASE WHEN ? THEN version + 1 ELSE version END,
                            build_cursor = CASE WHEN ? THEN NULL ELSE build_cursor END,
                            build_processed = CASE WHEN ? THEN 0 ELSE build_processed END,
                            build_total = CASE WHEN ? THEN""" + PROFILE_COUNT + """
                             ELSE build_total END
                        WHERE workspace_id = ? AND id = ?
                        RETURNING\s""" + COLUMNS,
                this::row, name, json.writeValueAsString(condition), Timestamp.from(now), rebuild, rebuild, phase.name(),
                rebuild, rebuild, rebuild, rebuild, rebuild, rebuild, workspaceId, workspaceId, id);
    }

    void delete(String workspaceId, String id) {
        jdbc.update("DELETE FROM segments WHERE workspace_id = ? AND id = ?", workspaceId, id);
    }

    /**
     * Claims the oldest segment that needs building and that no other builder holds (FOR NO KEY
     * UPDATE SKIP LOCKED: safe with several instances; NO KEY so membership writes, which check the
     * foreign key, never wait for it). The claim lasts until the transaction ends.
     */
    Optional<BuildClaim> claimBuild() {
        return jdbc.query("""
                        SELECT workspace_id, id, condition::text, build_cursor, build_phase FROM segments
                        WHERE status = 'building' AND (build_check_after IS NULL OR build_check_after <= now())
                        ORDER BY updated_at, id LIMIT 1
                        FOR NO KEY UPDATE SKIP LOCKED""",
                (rs, i) -> new BuildClaim(rs.getString(1), rs.getString(2),
                        parser.parse(json.readTree(rs.getString(3))), rs.getString(4) == null ? "" : rs.getString(4),
                        BuildPhase.valueOf(rs.getString(5))))
                .stream().findFirst();
    }

    /** The build keeps waiting for its event traits ({@code waiting}: their states); the builder looks again after {@code checkAfter}. */
    void waitForEventTraits(String workspaceId, String id, JsonNode waiting, Instant checkAfter) {
        jdbc.update("""
                UPDATE segments SET build_waiting = ?::jsonb, build_check_after = ?
                WHERE workspace_id = ? AND id = ?""", json.writeValueAsString(waiting), Timestamp.from(checkAfter),
                workspaceId, id);
    }

    /** The event traits are ready: the build evaluates profiles from now on. */
    void startEvaluating(String workspaceId, String id) {
        jdbc.update("""
                UPDATE segments SET build_phase = 'evaluating', build_waiting = NULL, build_check_after = NULL
                WHERE workspace_id = ? AND id = ?""", workspaceId, id);
    }

    void advanceBuild(String workspaceId, String id, String cursor, int evaluated) {
        jdbc.update("""
                UPDATE segments SET build_cursor = ?, build_processed = build_processed + ?
                WHERE workspace_id = ? AND id = ?""", cursor, evaluated, workspaceId, id);
    }

    void finishBuild(String workspaceId, String id, int evaluated) {
        jdbc.update("""
                UPDATE segments SET status = 'ready', build_cursor = NULL, build_processed = build_processed + ?,
                    build_total = GREATEST(build_total, build_processed + ?)
                WHERE workspace_id = ? AND id = ?""", evaluated, evaluated, workspaceId, id);
    }

    private SegmentRow row(ResultSet rs, int rowNum) throws SQLException {
        return new SegmentRow(rs.getString(1), rs.getString(2), json.readTree(rs.getString(3)),
                SegmentStatus.valueOf(rs.getString(4)), rs.getLong(5), rs.getTimestamp(6).toInstant(),
                rs.getTimestamp(7).toInstant(), rs.getLong(8), rs.getLong(9), BuildPhase.valueOf(rs.getString(10)),
                rs.getString(11) == null ? null : json.readTree(rs.getString(11)));
    }

    /** A segment's identity and definition version; {@code building} while its build runs. */
    record SegmentVersion(String workspaceId, String id, long version, boolean building) {
    }

    /** A segment's condition as stored, at {@code version}. */
    record StoredCondition(String workspaceId, String id, long version, JsonNode condition) {
    }

    /** A segment a builder holds: where its build continues ({@code cursor}: after that profile id). */
    record BuildClaim(String workspaceId, String id, Condition condition,
                      String cursor, BuildPhase phase) {
    }
}
