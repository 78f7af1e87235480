package org.opencdp.segmentation.segment;

import java.util.Collection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A per-workspace, transaction-scoped PostgreSQL advisory lock between evaluating profiles (shared:
 * many at once) and changing segment definitions (exclusive). It closes the one window row locks
 * cannot: a profile row inserted by a transaction that read the segment list just before a new or
 * changed segment committed, while that segment's build scanned past the still-invisible row. With
 * the lock, a definition change waits for in-flight evaluations, and evaluations that start later see
 * the change. Erasing a profile (a privacy command) takes it exclusively for the same reason ({@link
 * #forErasure}).
 */
@Component
public class SegmentDefinitionLock {

    private static final String KEY = "hashtextextended('opencdp.segmentation.definitions:' || current_schema() || ':' || ?, 0)";

    private final JdbcTemplate jdbc;

    SegmentDefinitionLock(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Held while a transaction evaluates profiles of {@code workspaceIds} against their segments. One
     * statement takes each workspace's shared lock, in workspace order.
     */
    public void forEvaluation(Collection<String> workspaceIds) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock_shared(" + KEY.replace("?", "w") + ")::text"
                        + " FROM (SELECT DISTINCT w FROM unnest(?::text[]) AS w ORDER BY w) AS workspaces",
                String.class, (Object) workspaceIds.toArray(String[]::new));
    }

    /**
     * For a build batch, which already holds its segment's row: the workspace's shared lock, and the
     * one build lock of the workspace (so batches of two segments of one workspace never run at once:
     * one's cascade to the segments referencing it could otherwise evaluate a membership the other is
     * changing). Tries only, never waits (waiting while holding the segment row could close a cycle with
     * a definition change, which takes this lock first); false when either is taken.
     */
    boolean tryForBuild(String workspaceId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock_shared(" + KEY + ")"
                        + " AND pg_try_advisory_xact_lock(hashtextextended('opencdp.segmentation.build:' || current_schema()"
                        + " || ':' || ?, 0))", Boolean.class, workspaceId, workspaceId));
    }

    /** Held while a transaction creates, changes or deletes a segment of the workspace. */
    void forChange(String workspaceId) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(" + KEY + ")::text", String.class, workspaceId);
    }

    /**
     * Held while a privacy command erases profiles of the workspace: exclusive, like a definition
     * change. Row locks cannot keep an erased profile from coming back through a ProfileChanged of it
     * that is being applied at the same moment by a transaction that found no row and no tombstone
     * yet (it inserts the row after the erase committed its tombstone). With this lock the erase waits
     * for in-flight evaluations of the workspace, and evaluations that start later see its
     * tombstones. Erasures are rare (one per person's request) and short, so the pause is too.
     */
    public void forErasure(String workspaceId) {
        forChange(workspaceId);
    }
}
