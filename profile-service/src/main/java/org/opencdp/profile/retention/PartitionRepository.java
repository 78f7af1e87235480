package org.opencdp.profile.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * DDL and bulk deletes on the event store. Partition names and bounds are generated from months,
 * never from input, so they are safe to inline in DDL.
 */
@Repository
class PartitionRepository {

    private final JdbcTemplate jdbc;

    PartitionRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the maintenance lock of this schema for the current transaction; false when another
     * instance holds it (that instance does the work).
     */
    boolean tryLock() {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT pg_try_advisory_xact_lock(hashtext('opencdp.profile.partitions.' || current_schema()))",
                Boolean.class));
    }

    /** Bounds how long the current transaction's DDL waits for a table lock. */
    void lockTimeout(Duration timeout) {
        jdbc.execute("SET LOCAL lock_timeout = '" + Math.max(1, timeout.toMillis()) + "ms'");
    }

    /** The names of the partitions of {@code events}, the default one included. */
    List<String> partitions() {
        return jdbc.queryForList("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'events'::regclass ORDER BY c.relname""", String.class);
    }

    /**
     * Creates the partition of one month. PostgreSQL refuses a new partition while the default one
     * holds rows of its range, so the rows of that month that landed in the default partition are
     * moved into the new table first, under an exclusive lock on the default partition (no insert
     * can slip in between), then the table is attached. Returns the rows moved.
     */
    int createMonth(YearMonth month) {
        String name = RetentionPlan.partitionName(month);
        String from = literal(RetentionPlan.start(month));
        String to = literal(RetentionPlan.end(month));
        jdbc.execute("LOCK TABLE events_default IN ACCESS EXCLUSIVE MODE");
        jdbc.execute("CREATE TABLE " + name + " (LIKE events INCLUDING DEFAULTS)");
        int moved = jdbc.update("INSERT INTO " + name + " SELECT * FROM events_default WHERE occurred_at >= "
                + from + " AND occurred_at < " + to);
        if (moved > 0) {
            jdbc.update("DELETE FROM events_default WHERE occurred_at >= " + from + " AND occurred_at < " + to);
        }
        jdbc.execute("ALTER TABLE events ATTACH PARTITION " + name + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
        return moved;
    }

    void dropMonth(YearMonth month) {
        jdbc.execute("DROP TABLE IF EXISTS " + RetentionPlan.partitionName(month));
    }

    /** Deletes up to {@code limit} events of the default partition from before {@code horizon}. */
    int purgeDefault(Instant horizon, int limit) {
        return count("""
                WITH gone AS (
                    DELETE FROM events_default WHERE ctid IN (
                        SELECT ctid FROM events_default WHERE occurred_at < ? LIMIT ?)
                    RETURNING workspace_id, message_id),
                keys AS (
                    DELETE FROM event_keys k USING gone g
                    WHERE k.workspace_id = g.workspace_id AND k.message_id = g.message_id RETURNING 1)
                SELECT count(*) FROM gone""", utc(horizon), limit);
    }

    /** Deletes up to {@code limit} de-duplication keys of events from before {@code horizon}. */
    int purgeKeys(Instant horizon, int limit) {
        return count("""
                WITH gone AS (
                    DELETE FROM event_keys WHERE ctid IN (SELECT ctid FROM event_keys WHERE occurred_at < ? LIMIT ?)
                    RETURNING 1)
                SELECT count(*) FROM gone""", utc(horizon), limit);
    }

    /** Deletes up to {@code limit} events of one workspace from before {@code cutoff}, and their keys. */
    int purgeWorkspace(String workspaceId, Instant cutoff, int limit) {
        return count("""
                WITH doomed AS (
                    SELECT workspace_id, message_id, occurred_at FROM events
                    WHERE workspace_id = ? AND occurred_at < ? LIMIT ?),
                gone AS (
                    DELETE FROM events e USING doomed d
                    WHERE e.workspace_id = d.workspace_id AND e.message_id = d.message_id
                      AND e.occurred_at = d.occurred_at
                    RETURNING e.workspace_id, e.message_id),
                keys AS (
                    DELETE FROM event_keys k USING gone g
                    WHERE k.workspace_id = g.workspace_id AND k.message_id = g.message_id RETURNING 1)
                SELECT count(*) FROM gone""", workspaceId, utc(cutoff), limit);
    }

    /**
     * The workspaces that have events and no retention of their own (a loose index scan over
     * {@code events_workspace_time}: one index probe per workspace).
     */
    List<String> workspacesOnDefault() {
        return jdbc.queryForList("""
                WITH RECURSIVE w(id) AS (
                    SELECT min(workspace_id) FROM events
                    UNION ALL
                    SELECT (SELECT min(workspace_id) FROM events WHERE workspace_id > w.id) FROM w WHERE w.id IS NOT NULL)
                SELECT id FROM w WHERE id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM retention_settings r WHERE r.workspace_id = w.id)""", String.class);
    }

    private int count(String sql, Object... args) {
        Integer count = jdbc.queryForObject(sql, Integer.class, args);
        return count == null ? 0 : count;
    }

    private static String literal(Instant at) {
        return "'" + at + "'::timestamptz";
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
