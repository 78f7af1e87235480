package org.opencdp.consent.subjects;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
class SubjectRepository {

    private final JdbcTemplate jdbc;

    SubjectRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records that the profiles exist, in one statement and in their order (the lock order of new rows). */
    void rememberProfiles(SortedSet<KnownProfile> profiles) {
        jdbc.update("""
                        INSERT INTO known_profiles (workspace_id, profile_id)
                        SELECT w, p FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS k (w, p, position)
                        ORDER BY position
                        ON CONFLICT (workspace_id, profile_id) DO NOTHING""",
                profiles.stream().map(KnownProfile::workspaceId).toArray(String[]::new),
                profiles.stream().map(KnownProfile::profileId).toArray(String[]::new));
    }

    /**
     * Points each known identifier of {@code owners} whose profile differs at its new profile, in
     * one statement; rows already right are neither locked nor rewritten. The rows to change are
     * locked first in key order (a locking clause applies after {@code ORDER BY}), so two chunks
     * re-pointing overlapping identifiers cannot deadlock.
     */
    void repointIdentifiers(SortedMap<IdentifierKey, String> owners) {
        jdbc.update("""
                        WITH stale AS (
                            SELECT s.workspace_id, s.type, s.value, o.p
                            FROM subject_identifiers s
                            JOIN unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS o (w, t, v, p)
                              ON s.workspace_id = o.w AND s.type = o.t AND s.value = o.v
                            WHERE s.profile_id <> o.p
                            ORDER BY s.workspace_id, s.type, s.value
                            FOR UPDATE OF s)
                        UPDATE subject_identifiers s SET profile_id = stale.p, updated_at = now()
                        FROM stale
                        WHERE s.workspace_id = stale.workspace_id AND s.type = stale.type AND s.value = stale.value""",
                identifierColumns(owners));
    }

    /** Adds the identifiers of {@code owners} not known yet, in one statement and in key order. */
    void insertIdentifiers(SortedMap<IdentifierKey, String> owners) {
        jdbc.update("""
                        INSERT INTO subject_identifiers (workspace_id, type, value, profile_id)
                        SELECT w, t, v, p FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                             AS o (w, t, v, p, position)
                        ORDER BY position
                        ON CONFLICT (workspace_id, type, value) DO NOTHING""",
                identifierColumns(owners));
    }

    private static Object[] identifierColumns(SortedMap<IdentifierKey, String> owners) {
        int size = owners.size();
        String[] workspaces = new String[size];
        String[] types = new String[size];
        String[] values = new String[size];
        String[] profiles = new String[size];
        int i = 0;
        for (var owner : owners.entrySet()) {
            workspaces[i] = owner.getKey().workspaceId();
            types[i] = owner.getKey().type();
            values[i] = owner.getKey().value();
            profiles[i] = owner.getValue();
            i++;
        }
        return new Object[] {workspaces, types, values, profiles};
    }

    Optional<String> findProfile(String workspaceId, String type, String value) {
        return jdbc.queryForList("""
                        SELECT profile_id FROM subject_identifiers
                        WHERE workspace_id = ? AND type = ? AND value = ?""",
                String.class, workspaceId, type, value).stream().findFirst();
    }

    /** Where each of {@code profileIds} that was merged away redirects to (its final survivor). */
    Map<String, String> findRedirects(String workspaceId, Collection<String> profileIds) {
        Map<String, String> redirects = new HashMap<>();
        jdbc.query("""
                        SELECT merged_id, survivor_id FROM profile_redirects
                        WHERE workspace_id = ? AND merged_id = ANY(?)""",
                rs -> {
                    redirects.put(rs.getString(1), rs.getString(2));
                }, workspaceId, profileIds.toArray(String[]::new));
        return redirects;
    }

    /** The profiles of {@code profiles} that were merged away, each with its survivor; one statement. */
    Map<KnownProfile, String> findRedirects(Collection<KnownProfile> profiles) {
        Map<KnownProfile, String> redirects = new HashMap<>();
        jdbc.query("""
                        SELECT workspace_id, merged_id, survivor_id FROM profile_redirects
                        WHERE (workspace_id, merged_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))""",
                rs -> {
                    redirects.put(new KnownProfile(rs.getString(1), rs.getString(2)), rs.getString(3));
                },
                profiles.stream().map(KnownProfile::workspaceId).toArray(String[]::new),
                profiles.stream().map(KnownProfile::profileId).toArray(String[]::new));
        return redirects;
    }

    /** The ids merged into {@code survivorId} (directly or through a chain), sorted. */
    List<String> findMergedInto(String workspaceId, String survivorId) {
        return jdbc.queryForList("""
                        SELECT merged_id FROM profile_redirects
                        WHERE workspace_id = ? AND survivor_id = ? ORDER BY merged_id""",
                String.class, workspaceId, survivorId);
    }

    /**
     * Redirects {@code mergedIds} to {@code survivorId}, and every id that redirected to one of them
     * too (chains stay one step long); two statements.
     */
    void redirect(String workspaceId, Collection<String> mergedIds, String survivorId, UUID mergeId) {
        String[] merged = mergedIds.toArray(String[]::new);
        jdbc.update("""
                        UPDATE profile_redirects SET survivor_id = ?, merge_id = ?, merged_at = now()
                        WHERE workspace_id = ? AND survivor_id = ANY(?)""",
                survivorId, mergeId, workspaceId, merged);
        jdbc.update("""
                        INSERT INTO profile_redirects (workspace_id, merged_id, survivor_id, merge_id)
                        SELECT ?, m, ?, ? FROM unnest(?::text[]) AS m ORDER BY m
                        ON CONFLICT (workspace_id, merged_id) DO UPDATE
                            SET survivor_id = EXCLUDED.survivor_id, merge_id = EXCLUDED.merge_id, merged_at = now()""",
                workspaceId, survivorId, mergeId, merged);
    }

    /** Points the identifiers of {@code mergedIds} at {@code survivorId}. */
    void moveIdentifiers(String workspaceId, Collection<String> mergedIds, String survivorId) {
        jdbc.update("""
                        UPDATE subject_identifiers SET profile_id = ?, updated_at = now()
                        WHERE workspace_id = ? AND profile_id = ANY(?)""",
                survivorId, workspaceId, mergedIds.toArray(String[]::new));
    }

    /** The identifiers (type, value) that point at any of {@code profileIds}, sorted. */
    List<Identifier> findIdentifiers(String workspaceId, Collection<String> profileIds) {
        return jdbc.query("""
                        SELECT type, value FROM subject_identifiers
                        WHERE workspace_id = ? AND profile_id = ANY(?) ORDER BY type, value""",
                (rs, i) -> new Identifier(rs.getString(1), rs.getString(2)),
                workspaceId, profileIds.toArray(String[]::new));
    }

    /** Forgets the profiles, their identifiers and their redirects (erasure); returns the rows removed. */
    int forget(String workspaceId, Collection<String> profileIds) {
        String[] ids = profileIds.toArray(String[]::new);
        int removed = jdbc.update("DELETE FROM subject_identifiers WHERE workspace_id = ? AND profile_id = ANY(?)",
                workspaceId, ids);
        removed += jdbc.update("""
                        DELETE FROM profile_redirects
                        WHERE workspace_id = ? AND (merged_id = ANY(?) OR survivor_id = ANY(?))""",
                workspaceId, ids, ids);
        removed += jdbc.update("DELETE FROM known_profiles WHERE workspace_id = ? AND profile_id = ANY(?)",
                workspaceId, ids);
        return removed;
    }

    Set<String> findKnown(String workspaceId, Collection<String> profileIds) {
        return new HashSet<>(jdbc.queryForList("""
                        SELECT profile_id FROM known_profiles
                        WHERE workspace_id = ? AND profile_id = ANY(?)""",
                String.class, workspaceId, profileIds.toArray(String[]::new)));
    }
}
