package org.opencdp.identity.graph;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads the profiles of the graph. A merged-away profile keeps its row with {@code merged_into}
 * set to the profile it was merged into; following that chain ends at the survivor.
 */
@Repository
public class ProfileRepository {

    /** Longer chains than this cannot occur (each link is a merge, capped per profile); a guard against loops. */
    private static final int MAX_CHAIN = 10_000;

    private final JdbcTemplate jdbc;

    ProfileRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The survivor {@code profileId} resolves to (itself when never merged); empty when the workspace has no such profile. */
    public Optional<String> canonicalId(String workspaceId, String profileId) {
        List<String> ids = jdbc.queryForList("""
                        WITH RECURSIVE chain (id, merged_into, depth) AS (
                            SELECT id, merged_into, 0 FROM profiles WHERE workspace_id = ? AND id = ?
                            UNION ALL
                            SELECT p.id, p.merged_into, c.depth + 1
                            FROM profiles p JOIN chain c ON p.workspace_id = ? AND p.id = c.merged_into
                            WHERE c.depth < ?)
                        SELECT id FROM chain WHERE merged_into IS NULL""",
                String.class, workspaceId, profileId, workspaceId, MAX_CHAIN);
        return ids.stream().findFirst();
    }

    /** {@code survivorId} and every profile merged into it, directly or through profiles merged into it later. */
    public List<String> withMergedAncestors(String workspaceId, String survivorId) {
        return jdbc.queryForList("""
                        WITH RECURSIVE merged (id, depth) AS (
                            SELECT id, 0 FROM profiles WHERE workspace_id = ? AND id = ?
                            UNION ALL
                            SELECT p.id, m.depth + 1
                            FROM profiles p JOIN merged m ON p.workspace_id = ? AND p.merged_into = m.id
                            WHERE m.depth < ?)
                        SELECT id FROM merged""",
                String.class, workspaceId, survivorId, workspaceId, MAX_CHAIN);
    }
}
