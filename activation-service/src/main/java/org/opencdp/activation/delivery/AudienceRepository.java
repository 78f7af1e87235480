package org.opencdp.activation.delivery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code audience_desired} and {@code audience_confirmed} tables (issue 13: audience sync by
 * diff). Every statement takes its rows as arrays, so a chunk or a round costs one statement
 * whatever its size, and writes in key order so concurrent writers never wait on each other in a cycle.
 */
@Repository
class AudienceRepository {

    private final JdbcTemplate jdbc;

    AudienceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A destination and one of its profiles. */
    record Key(String workspaceId, UUID destinationId, String profileId) {
    }

    /** A membership message's word for one destination: {@code member} of {@code segmentId} as of {@code version}. */
    record Desired(Key key, String segmentId, boolean member, long version) {
    }

    /**
     * Where a profile stands at a destination: whether it should be a member (of any subscribed
     * segment), what the destination last confirmed ({@code null}: unknown) and, for a merged-away
     * profile, the survivor it redirects to.
     */
    record State(boolean desired, Boolean confirmed, String mergedInto) {
        static final State UNKNOWN = new State(false, null, null);
    }

    /**
     * Stores desired memberships in one statement. Per destination, profile and segment only a
     * higher version replaces the stored one, so a stale or repeated message never wins; within the
     * call, the highest version of each key is kept.
     */
    void recordDesired(List<Desired> desired) {
        Map<List<Object>, Desired> newest = new LinkedHashMap<>();
        for (Desired one : desired) {
            newest.merge(List.of(one.key().workspaceId(), one.key().destinationId(), one.key().profileId(),
                    one.segmentId()), one, (a, b) -> b.version() > a.version() ? b : a);
        }
        List<Desired> rows = newest.values().stream().sorted(Comparator
                .comparing((Desired d) -> d.key().workspaceId()).thenComparing(d -> d.key().destinationId())
                .thenComparing(d -> d.key().profileId()).thenComparing(Desired::segmentId)).toList();
        if (rows.isEmpty()) {
            return;
        }
        int size = rows.size();
        String[] workspaces = new String[size];
        UUID[] destinations = new UUID[size];
        String[] profiles = new String[size];
        String[] segments = new String[size];
        Boolean[] members = new Boolean[size];
        Long[] versions = new Long[size];
        for (int i = 0; i < size; i++) {
            Desired row = rows.get(i);
            workspaces[i] = row.key().workspaceId();
            destinations[i] = row.key().destinationId();
            profiles[i] = row.key().profileId();
            segments[i] = row.segmentId();
            members[i] = row.member();
            versions[i] = row.version();
        }
        jdbc.update("""
                        INSERT INTO audience_desired AS a (workspace_id, destination_id, profile_id, segment_id, member, version)
                        SELECT * FROM unnest(?::text[], ?::uuid[], ?::text[], ?::text[], ?::boolean[], ?::bigint[])
                        ON CONFLICT (workspace_id, destination_id, profile_id, segment_id) DO UPDATE
                        SET member = excluded.member, version = excluded.version, updated_at = now()
                        WHERE a.version < excluded.version""",
                workspaces, destinations, profiles, segments, members, versions);
    }

    /** The state of each of {@code keys} (one statement); a key never heard of is {@link State#UNKNOWN}. */
    Map<Key, State> states(List<Key> keys) {
        Map<Key, State> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        int size = keys.size();
        String[] workspaces = new String[size];
        UUID[] destinations = new UUID[size];
        String[] profiles = new String[size];
        for (int i = 0; i < size; i++) {
            workspaces[i] = keys.get(i).workspaceId();
            destinations[i] = keys.get(i).destinationId();
            profiles[i] = keys.get(i).profileId();
        }
        jdbc.query("""
                        SELECT k.w, k.d, k.p,
                               coalesce((SELECT bool_or(a.member) FROM audience_desired a
                                         WHERE a.workspace_id = k.w AND a.destination_id = k.d AND a.profile_id = k.p),
                                        false),
                               c.member,
                               r.survivor_id
                        FROM (SELECT DISTINCT * FROM unnest(?::text[], ?::uuid[], ?::text[]) AS x (w, d, p)) k
                        LEFT JOIN audience_confirmed c
                               ON c.workspace_id = k.w AND c.destination_id = k.d AND c.profile_id = k.p
                        LEFT JOIN profile_redirects r ON r.workspace_id = k.w AND r.merged_id = k.p""",
                rs -> {
                    Boolean confirmed = rs.getObject(5) == null ? null : rs.getBoolean(5);
                    found.put(new Key(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)),
                            new State(rs.getBoolean(4), confirmed, rs.getString(6)));
                },
                workspaces, destinations, profiles);
        return found;
    }

    /** Records what destinations confirmed ({@code null}: unknown now), one statement. */
    void confirm(Map<Key, Boolean> confirmed) {
        if (confirmed.isEmpty()) {
            return;
        }
        List<Map.Entry<Key, Boolean>> rows = new ArrayList<>(confirmed.entrySet());
        rows.sort(Comparator.comparing((Map.Entry<Key, Boolean> e) -> e.getKey().workspaceId())
                .thenComparing(e -> e.getKey().destinationId()).thenComparing(e -> e.getKey().profileId()));
        int size = rows.size();
        String[] workspaces = new String[size];
        UUID[] destinations = new UUID[size];
        String[] profiles = new String[size];
        Boolean[] members = new Boolean[size];
        for (int i = 0; i < size; i++) {
            workspaces[i] = rows.get(i).getKey().workspaceId();
            destinations[i] = rows.get(i).getKey().destinationId();
            profiles[i] = rows.get(i).getKey().profileId();
            members[i] = rows.get(i).getValue();
        }
        jdbc.update("""
                        INSERT INTO audience_confirmed AS c (workspace_id, destination_id, profile_id, member)
                        SELECT x.w, x.d, x.p, x.m FROM unnest(?::text[], ?::uuid[], ?::text[], ?::boolean[]) AS x (w, d, p, m)
                        JOIN destinations dest ON dest.workspace_id = x.w AND dest.id = x.d
                        ON CONFLICT (workspace_id, destination_id, profile_id) DO UPDATE
                        SET member = excluded.member, confirmed_at = now()""",
                workspaces, destinations, profiles, members);
    }

    /** A merged-away profile, the survivor it now redirects to, by the merge that did it. */
    record Merged(String workspaceId, String mergedId, String survivorId, UUID mergeId) {
    }

    /** A destination where a merge changed what the survivor's identifiers mean, and the survivor's state there. */
    record Resync(Key survivor, boolean desired, UUID mergeId) {
    }

    /**
     * Applies merges to the audience state in three statements: the merged-away profiles' desired
     * memberships and confirmations are dropped (their identifiers now belong to the survivor), and
     * at every destination where either profile was known the survivor's confirmation becomes
     * unknown, so its next sync sends its membership with all the identifiers. Returns those
     * destinations, for a sync of the survivor to be queued.
     */
    List<Resync> merge(List<Merged> merges) {
        if (merges.isEmpty()) {
            return List.of();
        }
        int size = merges.size();
        String[] workspaces = new String[size];
        String[] mergedIds = new String[size];
        String[] survivors = new String[size];
        UUID[] mergeIds = new UUID[size];
        for (int i = 0; i < size; i++) {
            workspaces[i] = merges.get(i).workspaceId();
            mergedIds[i] = merges.get(i).mergedId();
            survivors[i] = merges.get(i).survivorId();
            mergeIds[i] = merges.get(i).mergeId();
        }
        List<Resync> resyncs = jdbc.query("""
                        WITH m AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[]) AS x (w, merged, s, mid)),
                             touched AS (
                                 SELECT DISTINCT ON (m.w, known.destination_id, m.s) m.w, known.destination_id, m.s, m.mid
                                 FROM m JOIN (SELECT workspace_id, destination_id, profile_id FROM audience_desired
                                              UNION SELECT workspace_id, destination_id, profile_id FROM audience_confirmed) known
                                   ON known.workspace_id = m.w AND known.profile_id IN (m.merged, m.s)
                                 ORDER BY m.w, known.destination_id, m.s, m.mid)
                        SELECT t.w, t.destination_id, t.s, t.mid,
                               coalesce((SELECT bool_or(a.member) FROM audience_desired a
                                         WHERE a.workspace_id = t.w AND a.destination_id = t.destination_id
                                           AND a.profile_id = t.s), false)
                        FROM touched t ORDER BY 1, 2, 3""",
                (rs, i) -> new Resync(new Key(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)),
                        rs.getBoolean(5), rs.getObject(4, UUID.class)),
                workspaces, mergedIds, survivors, mergeIds);
        jdbc.update("""
                        DELETE FROM audience_desired a USING unnest(?::text[], ?::text[]) AS x (w, p)
                        WHERE a.workspace_id = x.w AND a.profile_id = x.p""", workspaces, mergedIds);
        jdbc.update("""
                        DELETE FROM audience_confirmed c USING unnest(?::text[], ?::text[]) AS x (w, p)
                        WHERE c.workspace_id = x.w AND c.profile_id = x.p""", workspaces, mergedIds);
        Map<Key, Boolean> unknown = new LinkedHashMap<>();
        resyncs.forEach(resync -> unknown.put(resync.survivor(), null));
        confirm(unknown);
        return resyncs;
    }

    /** A profile's consent changed for {@code purposes} (comma-joined), by message {@code messageId}. */
    record ConsentChange(String workspaceId, String profileId, String purposes, UUID messageId) {
    }

    /** A destination, its type, and a profile's state there that a consent change concerns. */
    record Concerned(Key key, String type, boolean desired, UUID messageId) {
    }

    /**
     * The audience destinations (any type; the caller keeps those that sync audiences) whose
     * required purposes a consent change names and where the profile should be, or may be, a
     * member: one statement. Per destination and profile, the chunk's first change is named.
     */
    List<Concerned> concernedBy(List<ConsentChange> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        int size = changes.size();
        String[] workspaces = new String[size];
        String[] profiles = new String[size];
        String[] purposes = new String[size];
        UUID[] messages = new UUID[size];
        for (int i = 0; i < size; i++) {
            workspaces[i] = changes.get(i).workspaceId();
            profiles[i] = changes.get(i).profileId();
            purposes[i] = changes.get(i).purposes();
            messages[i] = changes.get(i).messageId();
        }
        return jdbc.query("""
                        WITH c AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[]) WITH ORDINALITY
                                   AS x (w, p, purposes, mid, n)),
                             known AS (
                                 SELECT DISTINCT ON (c.w, dest.id, c.p) c.w, dest.id, dest.type, c.p, c.mid
                                 FROM c JOIN destinations dest
                                   ON dest.workspace_id = c.w AND dest.required_purposes && string_to_array(c.purposes, ',')
                                 WHERE EXISTS (SELECT 1 FROM audience_desired a WHERE a.workspace_id = c.w
                                                 AND a.destination_id = dest.id AND a.profile_id = c.p)
                                    OR EXISTS (SELECT 1 FROM audience_confirmed k WHERE k.workspace_id = c.w
                                                 AND k.destination_id = dest.id AND k.profile_id = c.p
                                                 AND k.member IS DISTINCT FROM false)
                                 ORDER BY c.w, dest.id, c.p, c.n)
                        SELECT k.w, k.id, k.p, k.type, k.mid,
                               coalesce((SELECT bool_or(a.member) FROM audience_desired a WHERE a.workspace_id = k.w
                                           AND a.destination_id = k.id AND a.profile_id = k.p), false)
                        FROM known k ORDER BY 1, 2, 3""",
                (rs, i) -> new Concerned(new Key(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)),
                        rs.getString(4), rs.getBoolean(6), rs.getObject(5, UUID.class)),
                workspaces, profiles, purposes, messages);
    }
}
