package org.opencdp.consent.decisions;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class DecisionRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    DecisionRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insertAll(String workspaceId, List<StoredDecision> decisions) {
        jdbc.batchUpdate("""
                        INSERT INTO consent_decisions (workspace_id, id, profile_id, purposes, decision, basis, decided_at)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)""",
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        StoredDecision decision = decisions.get(i);
                        ps.setString(1, workspaceId);
                        ps.setObject(2, decision.id());
                        ps.setString(3, decision.profileId());
                        ps.setArray(4, ps.getConnection().createArrayOf("text", decision.purposes().toArray()));
                        ps.setString(5, decision.decision());
                        ps.setString(6, json.writeValueAsString(decision.basis()));
                        ps.setTimestamp(7, Timestamp.from(decision.decidedAt()));
                    }

                    @Override
                    public int getBatchSize() {
                        return decisions.size();
                    }
                });
    }

    /** The decisions about {@code profileIds}, newest first. */
    List<StoredDecision> findFor(String workspaceId, Collection<String> profileIds) {
        return jdbc.query("""
                        SELECT id, profile_id, purposes, decision, basis::text, decided_at FROM consent_decisions
                        WHERE workspace_id = ? AND profile_id = ANY(?) ORDER BY decided_at DESC, id""",
                (rs, i) -> new StoredDecision(rs.getObject(1, UUID.class), rs.getString(2),
                        Arrays.asList((String[]) rs.getArray(3).getArray()), rs.getString(4),
                        json.readTree(rs.getString(5)), rs.getTimestamp(6).toInstant()),
                workspaceId, profileIds.toArray(String[]::new));
    }

    int deleteFor(String workspaceId, Collection<String> profileIds) {
        return jdbc.update("DELETE FROM consent_decisions WHERE workspace_id = ? AND profile_id = ANY(?)",
                workspaceId, profileIds.toArray(String[]::new));
    }

    Optional<StoredDecision> find(String workspaceId, UUID id) {
        return jdbc.query("""
                        SELECT id, profile_id, purposes, decision, basis::text, decided_at FROM consent_decisions
                        WHERE workspace_id = ? AND id = ?""",
                (rs, i) -> new StoredDecision(rs.getObject(1, UUID.class), rs.getString(2),
                        Arrays.asList((String[]) rs.getArray(3).getArray()), rs.getString(4),
                        json.readTree(rs.getString(5)), rs.getTimestamp(6).toInstant()),
                workspaceId, id).stream().findFirst();
    }
}
