package org.opencdp.consent.purposes;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class PurposeRepository {

    private static final TypeReference<Map<String, Boolean>> DEFAULTS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    PurposeRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<PurposeDefinition> findAll(String workspaceId) {
        return jdbc.query("""
                        SELECT key, name, description, defaults::text FROM purposes
                        WHERE workspace_id = ? ORDER BY key""",
                (rs, i) -> new PurposeDefinition(rs.getString(1), rs.getString(2), rs.getString(3),
                        json.readValue(rs.getString(4), DEFAULTS)),
                workspaceId);
    }

    Map<String, PurposeDefaults> findDefaults(String workspaceId, Collection<String> keys) {
        Map<String, PurposeDefaults> found = new HashMap<>();
        jdbc.query("SELECT key, defaults::text FROM purposes WHERE workspace_id = ? AND key = ANY(?)",
                rs -> {
                    found.put(rs.getString(1), new PurposeDefaults(json.readValue(rs.getString(2), DEFAULTS)));
                }, workspaceId, keys.toArray(String[]::new));
        return found;
    }

    /** Replaces the workspace's purposes; serialised per workspace so concurrent PUTs cannot interleave. */
    void replaceAll(String workspaceId, List<PurposeDefinition> purposes) {
        jdbc.query("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (ResultSetExtractor<Void>) rs -> null,
                "purposes:" + workspaceId);
        jdbc.update("DELETE FROM purposes WHERE workspace_id = ?", workspaceId);
        jdbc.batchUpdate("""
                        INSERT INTO purposes (workspace_id, key, name, description, defaults)
                        VALUES (?, ?, ?, ?, ?::jsonb)""",
                purposes.stream().map(p -> new Object[] {workspaceId, p.key(), p.name(), p.description(),
                        json.writeValueAsString(p.defaults())}).toList());
    }
}
