package org.opencdp.activation.identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code profile_identifiers} and {@code profile_redirects} tables. Every statement takes its
 * rows as arrays ({@code unnest}), so a chunk of messages costs one statement whatever its size.
 */
@Repository
class IdentifierRepository {

    private final JdbcTemplate jdbc;

    IdentifierRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One identifier of one profile. */
    record Row(String workspaceId, String profileId, String type, String value) {
    }

    /**
     * Stores identifiers not stored yet, in one statement, in key order (concurrent chunks never wait
     * on each other in a cycle). Returns how many were new.
     */
    int insertAll(List<Row> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        int size = rows.size();
        String[] workspaces = new String[size];
        String[] profiles = new String[size];
        String[] types = new String[size];
        String[] values = new String[size];
        for (int i = 0; i < size; i++) {
            Row row = rows.get(i);
            workspaces[i] = row.workspaceId();
            profiles[i] = row.profileId();
            types[i] = row.type();
            values[i] = row.value();
        }
        return jdbc.update("""
                        INSERT INTO profile_identifiers (workspace_id, profile_id, type, value)
                        SELECT w, p, t, v FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS x (w, p, t, v)
                        ORDER BY w, p, t, v
                        ON CONFLICT DO NOTHING""",
                workspaces, profiles, types, values);
    }

    /**
     * The identifiers of the profiles {@code profileIds} of {@code workspaceIds} (pairwise), with
     * those still written under profiles merged into them; newest first per profile and type.
     * The answer's {@code profileId} is the one asked about.
     */
    List<Row> find(List<String> workspaceIds, List<String> profileIds) {
        if (profileIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query("""
                        WITH wanted AS (
                            SELECT DISTINCT w, p FROM unnest(?::text[], ?::text[]) AS x (w, p)),
                        holders AS (
                            SELECT w, p AS holder, p AS asked FROM wanted
                            UNION
                            SELECT r.workspace_id, r.merged_id, r.survivor_id
                            FROM profile_redirects r JOIN wanted ON r.workspace_id = wanted.w AND r.survivor_id = wanted.p)
                        SELECT h.w, h.asked, i.type, i.value
                        FROM holders h
                        JOIN profile_identifiers i ON i.workspace_id = h.w AND i.profile_id = h.holder
                        ORDER BY h.w, h.asked, i.type, i.first_seen DESC, i.value""",
                (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                workspaceIds.toArray(String[]::new), profileIds.toArray(String[]::new));
    }

    /** Serialises merges per workspace (they are rare): one statement, workspaces in sorted order. */
    void lockMerges(List<String> sortedWorkspaceIds) {
        jdbc.query("SELECT pg_advisory_xact_lock(hashtextextended('activation-merges:' || w, 0)) "
                        + "FROM unnest(?::text[]) WITH ORDINALITY AS x (w, n) ORDER BY n",
                (rs, n) -> null, (Object) sortedWorkspaceIds.toArray(String[]::new));
    }

    /** Where each of {@code ids} (of {@code workspaceIds}, pairwise) redirects now, for those that do. */
    Map<Redirect.Key, String> redirects(List<String> workspaceIds, List<String> ids) {
        Map<Redirect.Key, String> found = new java.util.HashMap<>();
        jdbc.query("""
                        SELECT r.workspace_id, r.merged_id, r.survivor_id
                        FROM profile_redirects r
                        JOIN unnest(?::text[], ?::text[]) AS x (w, p) ON r.workspace_id = x.w AND r.merged_id = x.p""",
                rs -> {
                    found.put(new Redirect.Key(rs.getString(1), rs.getString(2)), rs.getString(3));
                },
                workspaceIds.toArray(String[]::new), ids.toArray(String[]::new));
        return found;
    }

    /** A merged-away profile and the survivor it redirects to, by the merge that did it. */
    record Redirect(String workspaceId, String mergedId, String survivorId, java.util.UUID mergeId) {

        record Key(String workspaceId, String profileId) {
        }
    }

    /**
     * Applies redirects in three statements: redirects that pointed at a now merged-away profile
     * point at its survivor; the redirects are stored (a later merge of the same id replaces its
     * survivor); the merged-away profiles' identifiers move to their survivors.
     */
    void redirect(List<Redirect> redirects) {
        if (redirects.isEmpty()) {
            return;
        }
        List<Redirect> sorted = new ArrayList<>(redirects);
        sorted.sort(java.util.Comparator.comparing(Redirect::workspaceId).thenComparing(Redirect::mergedId));
        int size = sorted.size();
        String[] workspaces = new String[size];
        String[] merged = new String[size];
        String[] survivors = new String[size];
        java.util.UUID[] merges = new java.util.UUID[size];
        for (int i = 0; i < size; i++) {
            workspaces[i] = sorted.get(i).workspaceId();
            merged[i] = sorted.get(i).mergedId();
            survivors[i] = sorted.get(i).survivorId();
            merges[i] = sorted.get(i).mergeId();
        }
        jdbc.update("""
                        UPDATE profile_redirects r SET survivor_id = m.s
                        FROM unnest(?::text[], ?::text[], ?::text[]) AS m (w, merged, s)
                        WHERE r.workspace_id = m.w AND r.survivor_id = m.merged""",
                workspaces, merged, survivors);
        jdbc.update("""
                        INSERT INTO profile_redirects (workspace_id, merged_id, survivor_id, merge_id)
                        SELECT w, merged, s, id FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[])
                            AS m (w, merged, s, id)
                        ON CONFLICT (workspace_id, merged_id)
                        DO UPDATE SET survivor_id = EXCLUDED.survivor_id, merge_id = EXCLUDED.merge_id,
                                      merged_at = now()""",
                workspaces, merged, survivors, merges);
        jdbc.update("""
                        WITH moved AS (
                            DELETE FROM profile_identifiers i
                            USING unnest(?::text[], ?::text[], ?::text[]) AS m (w, merged, s)
                            WHERE i.workspace_id = m.w AND i.profile_id = m.merged
                            RETURNING m.w, m.s, i.type, i.value, i.first_seen)
                        INSERT INTO profile_identifiers (workspace_id, profile_id, type, value, first_seen)
                        SELECT * FROM moved ORDER BY 1, 2, 3, 4
                        ON CONFLICT DO NOTHING""",
                workspaces, merged, survivors);
    }
}
