package org.opencdp.identity.rules;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored identity rules of each workspace: one JSON document with a version per workspace, and
 * the version last published ({@link IdentifierRulesPublisher}).
 */
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
                (rs, i) -> rules(rs, 1), workspaceId).stream().findFirst();
    }

    /**
     * Stores {@code rules} as the workspace's, one version up, and marks that version published: the
     * caller publishes it in the same transaction.
     */
    WorkspaceRules save(String workspaceId, IdentityRules rules) {
        return jdbc.queryForObject("""
                        INSERT INTO identity_rules (workspace_id, document, version, published_version, updated_at)
                        VALUES (?, ?::jsonb, 1, 1, now())
                        ON CONFLICT (workspace_id) DO UPDATE
                            SET document = EXCLUDED.document, version = identity_rules.version + 1,
                                published_version = identity_rules.version + 1, updated_at = now()
                        RETURNING version, updated_at""",
                (rs, i) -> new WorkspaceRules(rules, rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant()),
                workspaceId, json.writeValueAsString(rules));
    }

    /**
     * Up to {@code limit} workspaces whose stored version was not published, marked published; the
     * caller publishes them in the same transaction. Rows another transaction holds (a change being
     * stored and published, another instance's publisher) are skipped: that transaction publishes them.
     */
    List<Unpublished> claimUnpublished(int limit) {
        return jdbc.query("""
                        UPDATE identity_rules r SET published_version = r.version
                        FROM (SELECT workspace_id FROM identity_rules WHERE published_version <> version
                              ORDER BY workspace_id LIMIT ? FOR UPDATE SKIP LOCKED) claimed
                        WHERE r.workspace_id = claimed.workspace_id
                        RETURNING r.workspace_id, r.document::text, r.version, r.updated_at""",
                (rs, i) -> new Unpublished(rs.getString(1), rules(rs, 2)), limit);
    }

    /** The rules of a workspace that were stored but not published. */
    record Unpublished(String workspaceId, WorkspaceRules rules) {
    }

    /** The rules in the columns document, version, updated_at from {@code first} on. */
    private WorkspaceRules rules(ResultSet rs, int first) throws SQLException {
        return new WorkspaceRules(json.readValue(rs.getString(first), IdentityRules.class), rs.getLong(first + 1),
                rs.getObject(first + 2, OffsetDateTime.class).toInstant());
    }
}
