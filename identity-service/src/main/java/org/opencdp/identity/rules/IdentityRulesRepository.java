package org.opencdp.identity.rules;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The stored identity rules of each workspace: one JSON document with a version per workspace. */
@Repository
class IdentityRulesRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    IdentityRulesRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<WorkspaceRules> find(String workspaceId) {
        return jdbc.query("SELECT document::text, version, updated_at FROM identity_rules WHERE workspace_id = ?",
                (rs, i) -> new WorkspaceRules(json.readValue(rs.getString(1), IdentityRules.class), rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()), workspaceId).stream().findFirst();
    }

    /** Stores {@code rules} as the workspace's, one version up. */
    WorkspaceRules save(String workspaceId, IdentityRules rules) {
        return jdbc.queryForObject("""
                        INSERT INTO identity_rules (workspace_id, document, version, updated_at)
                        VALUES (?, ?::jsonb, 1, now())
                        ON CONFLICT (workspace_id) DO UPDATE
                            SET document = EXCLUDED.document, version = identity_rules.version + 1, updated_at = now()
                        RETURNING version, updated_at""",
                (rs, i) -> new WorkspaceRules(rules, rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant()),
                workspaceId, json.writeValueAsString(rules));
    }
}
