package org.opencdp.profile.profiles;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

/** The {@code profiles} table. */
@Repository
class ProfileRepository {

    private final JdbcTemplate jdbc;

    ProfileRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * For profiles named as they are (no redirect followed): creates the missing ones, moves the
     * live ones' {@code updated_at} forward (a merged-away or erased one keeps its own), and locks
     * every row until the transaction ends, in {@link ProfileRef#LOCK_ORDER}. One statement. Returns
     * each profile's state under the lock.
     */
    Map<ProfileRef, LockedProfile> upsertAll(Collection<ProfileRef> refs, Instant at) {
        List<ProfileRef> sorted = refs.stream().distinct().sorted(ProfileRef.LOCK_ORDER).toList();
        Map<ProfileRef, LockedProfile> locked = new HashMap<>();
        if (sorted.isEmpty()) {
            return locked;
        }
        String time = at.toString();
        jdbc.query("""
                        INSERT INTO profiles (workspace_id, id, created_at, updated_at)
                        SELECT w, i, ?::timestamptz, ?::timestamptz FROM unnest(?::text[], ?::text[]) AS x (w, i)
                        ORDER BY w COLLATE "C", i COLLATE "C"
                        ON CONFLICT (workspace_id, id) DO UPDATE SET updated_at = CASE
                            WHEN profiles.merged_into IS NULL AND profiles.erased_at IS NULL
                            THEN GREATEST(profiles.updated_at, EXCLUDED.updated_at) ELSE profiles.updated_at END
                        RETURNING workspace_id, id, merged_into, erased_at IS NOT NULL""",
                (RowCallbackHandler) rs -> locked.put(new ProfileRef(rs.getString(1), rs.getString(2)),
                        new LockedProfile(rs.getString(2), rs.getString(3), rs.getBoolean(4))),
                time, time, sorted.stream().map(ProfileRef::workspaceId).toArray(String[]::new),
                sorted.stream().map(ProfileRef::profileId).toArray(String[]::new));
        return locked;
    }

    /**
     * For each of {@code refs}: follows its redirect chain as committed when the statement starts
     * ({@code merged_into}, at most {@link ProfileService#MAX_HOPS} hops), then creates the profile
     * at its end or moves its {@code updated_at} forward, locking the rows in {@link
     * ProfileRef#LOCK_ORDER}. One statement. The answer gives, per ref, the profile reached and its
     * state as found under the lock: a {@code merged_into} when a merge committed after the chain was
     * read (the caller follows it), erased when a privacy erasure emptied it, even one that committed
     * while this statement waited for the row (its events are then dropped, never stored).
     */
    Map<ProfileRef, LockedProfile> touchAll(Collection<ProfileRef> refs, Instant at) {
        List<ProfileRef> distinct = refs.stream().distinct().toList();
        Map<ProfileRef, LockedProfile> touched = new HashMap<>();
        if (distinct.isEmpty()) {
            return touched;
        }
        String time = at.toString();
        jdbc.query("""
                        WITH RECURSIVE input AS (
                            SELECT w AS workspace_id, i AS id FROM unnest(?::text[], ?::text[]) AS x (w, i)),
                        chain (workspace_id, start, id, depth) AS (
                            SELECT workspace_id, id, id, 0 FROM input
                            UNION ALL
                            SELECT c.workspace_id, c.start, p.merged_into, c.depth + 1
                            FROM chain c JOIN profiles p ON p.workspace_id = c.workspace_id AND p.id = c.id
                            WHERE p.merged_into IS NOT NULL AND c.depth < ?),
                        reached AS (
                            SELECT DISTINCT ON (workspace_id, start) workspace_id, start, id FROM chain
                            ORDER BY workspace_id, start, depth DESC),
                        touched AS (
                            INSERT INTO profiles (workspace_id, id, created_at, updated_at)
                            SELECT workspace_id, id, ?::timestamptz, ?::timestamptz
                            FROM (SELECT DISTINCT workspace_id, id FROM reached) r
                            ORDER BY workspace_id COLLATE "C", id COLLATE "C"
                            ON CONFLICT (workspace_id, id) DO UPDATE SET updated_at = CASE
                                WHEN profiles.merged_into IS NULL AND profiles.erased_at IS NULL
                                THEN GREATEST(profiles.updated_at, EXCLUDED.updated_at) ELSE profiles.updated_at END
                            RETURNING workspace_id, id, merged_into, erased_at)
                        SELECT r.workspace_id, r.start, t.id, t.merged_into, t.erased_at IS NOT NULL
                        FROM reached r JOIN touched t ON t.workspace_id = r.workspace_id AND t.id = r.id""",
                (RowCallbackHandler) rs -> touched.put(new ProfileRef(rs.getString(1), rs.getString(2)),
                        new LockedProfile(rs.getString(3), rs.getString(4), rs.getBoolean(5))),
                distinct.stream().map(ProfileRef::workspaceId).toArray(String[]::new),
                distinct.stream().map(ProfileRef::profileId).toArray(String[]::new), ProfileService.MAX_HOPS,
                time, time);
        return touched;
    }

    /**
     * Moves each profile's {@code change_version} forward by its count (issue 15; see {@link
     * ChangeVersions}); returns each profile's counter after the move. One statement. The caller holds
     * the rows' locks; a profile without a row is left out of the answer.
     */
    Map<ProfileRef, Long> reserveVersions(Map<ProfileRef, Integer> counts) {
        List<ProfileRef> refs = List.copyOf(counts.keySet());
        Map<ProfileRef, Long> last = new HashMap<>();
        jdbc.query("""
                        UPDATE profiles p SET change_version = p.change_version + x.n
                        FROM unnest(?::text[], ?::text[], ?::bigint[]) AS x (w, i, n)
                        WHERE p.workspace_id = x.w AND p.id = x.i
                        RETURNING p.workspace_id, p.id, p.change_version""",
                (RowCallbackHandler) rs -> last.put(new ProfileRef(rs.getString(1), rs.getString(2)), rs.getLong(3)),
                refs.stream().map(ProfileRef::workspaceId).toArray(String[]::new),
                refs.stream().map(ProfileRef::profileId).toArray(String[]::new),
                refs.stream().map(ref -> (long) counts.get(ref)).toArray(Long[]::new));
        return last;
    }

    /**
     * Locks the existing rows of {@code refs} (whatever their state) in {@link ProfileRef#LOCK_ORDER},
     * creating none. One statement.
     */
    void lockExisting(Collection<ProfileRef> refs) {
        List<ProfileRef> distinct = refs.stream().distinct().toList();
        if (distinct.isEmpty()) {
            return;
        }
        jdbc.query("""
                        SELECT p.id FROM profiles p JOIN unnest(?::text[], ?::text[]) AS x (w, i)
                            ON p.workspace_id = x.w AND p.id = x.i
                        ORDER BY p.workspace_id COLLATE "C", p.id COLLATE "C" FOR UPDATE OF p""",
                (RowCallbackHandler) rs -> { },
                distinct.stream().map(ProfileRef::workspaceId).toArray(String[]::new),
                distinct.stream().map(ProfileRef::profileId).toArray(String[]::new));
    }

    /** Locks an existing profile's row; returns it, or empty when there is none (or it was erased). */
    Optional<Profile> lock(String workspaceId, String id) {
        return jdbc.query("""
                SELECT id, created_at, updated_at, merged_into FROM profiles
                WHERE workspace_id = ? AND id = ? AND erased_at IS NULL FOR UPDATE""",
                (rs, row) -> map(workspaceId, rs), workspaceId, id).stream().findFirst();
    }

    /** The profile row of {@code id}, as stored (no redirect followed); empty when there is none or it was erased. */
    Optional<Profile> find(String workspaceId, String id) {
        return jdbc.query("""
                SELECT id, created_at, updated_at, merged_into FROM profiles
                WHERE workspace_id = ? AND id = ? AND erased_at IS NULL""",
                (rs, row) -> map(workspaceId, rs), workspaceId, id).stream().findFirst();
    }

    /** Marks {@code id} merged into {@code survivorId}, and gives the survivor the earlier creation time. */
    void markMerged(String workspaceId, String id, String survivorId, Instant at) {
        jdbc.update("UPDATE profiles SET merged_into = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                survivorId, utc(at), workspaceId, id);
        jdbc.update("""
                UPDATE profiles s SET created_at = LEAST(s.created_at, m.created_at), updated_at = GREATEST(s.updated_at, ?)
                FROM profiles m WHERE s.workspace_id = ? AND s.id = ? AND m.workspace_id = s.workspace_id AND m.id = ?""",
                utc(at), workspaceId, survivorId, id);
    }

    /** Every profile merged into {@code id}, directly or through another merged profile, sorted. */
    List<String> mergedInto(String workspaceId, String id) {
        return jdbc.queryForList("""
                WITH RECURSIVE merged(id, depth) AS (
                    SELECT id, 1 FROM profiles WHERE workspace_id = ? AND merged_into = ?
                    UNION ALL
                    SELECT p.id, m.depth + 1 FROM profiles p JOIN merged m ON p.merged_into = m.id
                    WHERE p.workspace_id = ? AND m.depth < 64)
                SELECT id FROM merged ORDER BY id""", String.class, workspaceId, id, workspaceId);
    }

    private static Profile map(String workspaceId, ResultSet rs) throws SQLException {
        return new Profile(workspaceId, rs.getString("id"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getString("merged_into"));
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
