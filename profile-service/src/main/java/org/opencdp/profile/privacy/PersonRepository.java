package org.opencdp.profile.privacy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.Identifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

/**
 * Finds one person's profiles and erases everything profile holds on them: the one place that
 * deletes across the features' tables (events, event keys, traits, computed traits, identifiers,
 * profiles), so a table keyed by profile that is added later must be added here. Every statement
 * is sealed to the command's workspace: another workspace's profile with the same id is never
 * read or touched.
 *
 * <p>Lock order, the one every multi-profile lock in this service uses: the caller first holds its
 * workspace's backfills off ({@code HandOverLocks}, exclusive workspace key, as a chunk of merges
 * does), then {@link #lock} takes the person's profile rows in code point order. So an erasure and
 * a chunk of events, a merge or a backfill batch never wait on each other in a cycle, and no merge
 * can link another profile to the person while the erasure runs.
 */
@Repository
class PersonRepository {

    private final JdbcTemplate jdbc;

    PersonRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The person's profile ids, sorted by code point: {@code profileIds}, the profiles holding one of
     * {@code identifiers}, and every profile linked to those by merges, either way (what was merged
     * into them, what they were merged into), transitively. One statement.
     */
    List<String> personOf(String workspaceId, Collection<String> profileIds, Collection<Identifier> identifiers) {
        return jdbc.queryForList("""
                        WITH RECURSIVE seed (id) AS (
                            SELECT unnest(?::text[])
                            UNION
                            SELECT profile_id FROM profile_identifiers
                            WHERE workspace_id = ? AND (type, value) IN (SELECT * FROM unnest(?::text[], ?::text[]))),
                        person (id) AS (
                            SELECT id COLLATE "C" FROM seed
                            UNION
                            SELECT linked.id FROM person x CROSS JOIN LATERAL (
                                SELECT p.merged_into COLLATE "C" AS id FROM profiles p
                                WHERE p.workspace_id = ? AND p.id = x.id AND p.merged_into IS NOT NULL
                                UNION ALL
                                SELECT p.id FROM profiles p
                                WHERE p.workspace_id = ? AND p.merged_into = x.id COLLATE "default") linked)
                        SELECT id FROM person ORDER BY id""", String.class,
                profileIds.toArray(String[]::new), workspaceId,
                identifiers.stream().map(Identifier::type).toArray(String[]::new),
                identifiers.stream().map(Identifier::value).toArray(String[]::new), workspaceId, workspaceId);
    }

    /**
     * Locks the rows of {@code profileIds} that exist, in code point order; returns, for each, whether
     * it was erased before (by id, in that order).
     */
    Map<String, Boolean> lock(String workspaceId, List<String> profileIds) {
        Map<String, Boolean> locked = new LinkedHashMap<>();
        jdbc.query("""
                        SELECT id, erased_at IS NOT NULL FROM profiles WHERE workspace_id = ? AND id = ANY(?::text[])
                        ORDER BY id FOR UPDATE""",
                (RowCallbackHandler) rs -> locked.put(rs.getString(1), rs.getBoolean(2)),
                workspaceId, profileIds.toArray(String[]::new));
        return locked;
    }

    /** What an erasure deleted. */
    record Erased(long events, long eventKeys, long traits, long computedTraits, long identifiers) {

        boolean nothing() {
            return events + eventKeys + traits + computedTraits + identifiers == 0;
        }
    }

    /**
     * Deletes everything profile holds on {@code profileIds} (locked by the caller) and on {@code
     * identifiers}: the events in every partition with their de-duplication keys, the traits with
     * their provenance (removals included), the computed-trait values and states, the identifiers;
     * then empties each profile row into a tombstone (no merge link, times set to {@code at}, {@code
     * erased_at}), inserting one for an id profile never saw, so an event or merge still naming it
     * later is dropped ({@code ProfileRepository#touchAll}). A row erased before keeps its first
     * erasure. Five statements.
     */
    Erased erase(String workspaceId, List<String> profileIds, Collection<Identifier> identifiers, Instant at) {
        String[] ids = profileIds.toArray(String[]::new);
        long[] events = jdbc.query("""
                        WITH gone AS (
                            DELETE FROM events WHERE workspace_id = ? AND profile_id = ANY(?::text[])
                            RETURNING message_id),
                        keys AS (
                            DELETE FROM event_keys WHERE workspace_id = ? AND message_id IN (SELECT message_id FROM gone)
                            RETURNING 1)
                        SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM keys)""",
                (ResultSetExtractor<long[]>) rs -> {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }, workspaceId, ids, workspaceId);
        int traits = jdbc.update("DELETE FROM traits WHERE workspace_id = ? AND profile_id = ANY(?::text[])",
                workspaceId, ids);
        int computed = jdbc.update("DELETE FROM computed_traits WHERE workspace_id = ? AND profile_id = ANY(?::text[])",
                workspaceId, ids);
        int identifierRows = jdbc.update("""
                        DELETE FROM profile_identifiers WHERE workspace_id = ? AND (profile_id = ANY(?::text[])
                            OR (type, value) IN (SELECT * FROM unnest(?::text[], ?::text[])))""",
                workspaceId, ids, identifiers.stream().map(Identifier::type).toArray(String[]::new),
                identifiers.stream().map(Identifier::value).toArray(String[]::new));
        OffsetDateTime time = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        jdbc.update("""
                        INSERT INTO profiles (workspace_id, id, created_at, updated_at, erased_at)
                        SELECT ?, i, ?, ?, ? FROM unnest(?::text[]) AS i ORDER BY i COLLATE "C"
                        ON CONFLICT (workspace_id, id) DO UPDATE SET merged_into = NULL,
                            created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
                            erased_at = EXCLUDED.erased_at
                        WHERE profiles.erased_at IS NULL""",
                workspaceId, time, time, time, ids);
        return new Erased(events[0], events[1], traits, computed, identifierRows);
    }

    /** Deletes up to {@code limit} tombstones of profiles erased before {@code before}; returns how many. */
    int pruneErased(Instant before, int limit) {
        return jdbc.update("""
                DELETE FROM profiles WHERE (workspace_id, id) IN (
                    SELECT workspace_id, id FROM profiles WHERE erased_at < ? LIMIT ?)""",
                OffsetDateTime.ofInstant(before, ZoneOffset.UTC), limit);
    }
}
