package org.opencdp.identity.resolution;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.identity.graph.IdentifierLocks;
import org.opencdp.identity.graph.PersonIdentifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Locks, reads and writes the part of the graph a transaction resolves against, in a fixed order
 * that makes deadlocks impossible (docs/identity-resolution.md):
 *
 * <ol>
 *   <li>one transaction-scoped advisory lock per identifier the events carry, on a 64-bit hash of
 *       (workspace, type, value), taken in ascending hash order by one statement ({@link
 *       IdentifierLocks}): two events that
 *       share an identifier, known or not yet, run one after the other;
 *   <li>the rows of the profiles those identifiers are attached to, {@code FOR UPDATE} in (workspace,
 *       id) order by one statement: whoever changes a profile's identifiers (join, merge) holds its
 *       row, so its counts are exact. Events that change nothing ({@link
 *       WorkspaceGraph#changesNothing}: every identifier known, all on one profile, none re-dated)
 *       write nothing and need no profile lock; a merge committed meanwhile orders them before it;
 *   <li>writes touch only locked profiles, identifiers locked in step 1 and rows of the profiles
 *       locked in step 2; no lock is taken after step 2.
 * </ol>
 *
 * Every transaction takes its locks in increasing order in one global order (identifier hashes,
 * then profiles), so no wait-for cycle can form. A profile locked in step 2 that a concurrent merge
 * took away (its links were read just before that merge committed) makes the load throw {@link
 * StaleGraphException}; the transaction starts over.
 */
@Repository
class GraphStore {

    private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    GraphStore(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Locks and reads what {@code inputs} need; must run inside the transaction that will {@link #flush} it. */
    LockedGraph lockAndLoad(List<ResolutionInput> inputs) {
        LockedGraph graph = new LockedGraph();
        Set<Key> keys = new LinkedHashSet<>();
        for (ResolutionInput input : inputs) {
            graph.workspace(input.workspaceId());
            input.lookups().forEach(identifier -> keys.add(new Key(input.workspaceId(), identifier)));
        }
        lockIdentifiers(keys);
        readLinks(keys, (workspaceId, identifier, profileId, firstSeenAt) ->
                graph.workspace(workspaceId).addLink(identifier, profileId, firstSeenAt));
        Set<List<String>> profileKeys = new LinkedHashSet<>();
        for (ResolutionInput input : inputs) {
            WorkspaceGraph workspace = graph.workspace(input.workspaceId());
            if (!workspace.changesNothing(input)) {
                for (PersonIdentifier identifier : input.lookups()) {
                    GraphLink link = workspace.links().get(identifier);
                    if (link != null) {
                        profileKeys.add(List.of(input.workspaceId(), link.profileId));
                    }
                }
            }
        }
        int locked = lockProfiles(profileKeys, graph);
        if (locked != profileKeys.size()) {
            throw new StaleGraphException("A profile linked to these events vanished while they were resolved");
        }
        return graph;
    }

    private void lockIdentifiers(Collection<Key> keys) {
        IdentifierLocks.lock(jdbc, keys.stream().map(Key::lockKey).toList());
    }

    private void readLinks(Collection<Key> keys, LinkConsumer consumer) {
        jdbc.query("""
                        SELECT i.workspace_id, i.type, i.value, i.profile_id, i.first_seen_at
                        FROM identities i
                        JOIN unnest(?::text[], ?::text[], ?::text[]) AS k (w, t, v)
                          ON i.workspace_id = k.w AND i.type = k.t AND i.value = k.v""",
                rs -> {
                    consumer.accept(rs.getString(1), new PersonIdentifier(rs.getString(2), rs.getString(3)),
                            rs.getString(4), rs.getObject(5, OffsetDateTime.class).toInstant());
                },
                keys.stream().map(Key::workspaceId).toArray(String[]::new),
                keys.stream().map(k -> k.identifier().type()).toArray(String[]::new),
                keys.stream().map(k -> k.identifier().value()).toArray(String[]::new));
    }

    /** Locks the profiles in (workspace, id) order; returns how many are alive (not merged away). */
    private int lockProfiles(Set<List<String>> profileKeys, LockedGraph graph) {
        if (profileKeys.isEmpty()) {
            return 0;
        }
        int[] alive = {0};
        jdbc.query("""
                        SELECT p.workspace_id, p.id, p.created_at, p.merged_into, p.merge_count, p.identifier_counts::text
                        FROM profiles p
                        JOIN unnest(?::text[], ?::text[]) AS k (w, id) ON p.workspace_id = k.w AND p.id = k.id
                        ORDER BY p.workspace_id, p.id
                        FOR UPDATE OF p""",
                rs -> {
                    if (rs.getString(4) != null) {
                        throw new StaleGraphException("Profile " + rs.getString(2) + " was merged into "
                                + rs.getString(4) + " while events linked to it were resolved");
                    }
                    graph.workspace(rs.getString(1)).addProfile(rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getInt(5),
                            json.readValue(rs.getString(6), COUNTS));
                    alive[0]++;
                },
                profileKeys.stream().map(List::getFirst).toArray(String[]::new),
                profileKeys.stream().map(List::getLast).toArray(String[]::new));
        return alive[0];
    }

    /** Writes what resolution changed: new and changed profiles, moved, new and re-dated identifiers. */
    void flush(LockedGraph graph) {
        ProfileRows created = new ProfileRows();
        ProfileRows changed = new ProfileRows();
        List<String[]> moved = new ArrayList<>();
        LinkRows newLinks = new LinkRows();
        LinkRows earlier = new LinkRows();
        for (WorkspaceGraph workspace : graph.workspaces()) {
            for (GraphProfile profile : workspace.profiles().values()) {
                if (profile.created) {
                    created.add(workspace.workspaceId(), profile, json);
                } else if (profile.changed) {
                    changed.add(workspace.workspaceId(), profile, json);
                    if (profile.mergedInto != null) {
                        moved.add(new String[] {workspace.workspaceId(), profile.id, workspace.canonical(profile.id)});
                    }
                }
            }
            workspace.links().forEach((identifier, link) -> {
                if (link.created) {
                    newLinks.add(workspace.workspaceId(), identifier, workspace.canonical(link.profileId), link);
                } else if (link.firstSighting != null) {
                    earlier.add(workspace.workspaceId(), identifier, null, link);
                }
            });
        }
        if (!created.isEmpty()) {
            jdbc.update("""
                    INSERT INTO profiles (workspace_id, id, created_at, merged_into, merged_at, merge_count,
                                          identifier_counts)
                    SELECT w, id, c, m, CASE WHEN m IS NULL THEN NULL ELSE now() END, mc, ic::jsonb
                    FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::int[], ?::text[])
                         AS d (w, id, c, m, mc, ic)""", created.arguments(true));
        }
        if (!changed.isEmpty()) {
            jdbc.update("""
                    UPDATE profiles p
                    SET merged_into = d.m, merged_at = CASE WHEN d.m IS NULL THEN NULL ELSE now() END,
                        merge_count = d.mc, identifier_counts = d.ic::jsonb
                    FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[]) AS d (w, id, m, mc, ic)
                    WHERE p.workspace_id = d.w AND p.id = d.id""", changed.arguments(false));
        }
        if (!moved.isEmpty()) {
            jdbc.update("""
                            UPDATE identities i SET profile_id = d.s
                            FROM unnest(?::text[], ?::text[], ?::text[]) AS d (w, m, s)
                            WHERE i.workspace_id = d.w AND i.profile_id = d.m""",
                    column(moved, 0), column(moved, 1), column(moved, 2));
        }
        if (!newLinks.isEmpty()) {
            jdbc.update("""
                    INSERT INTO identities (workspace_id, type, value, profile_id, first_seen_at, first_event_id,
                                            first_source_id)
                    SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[],
                                         ?::text[])""", newLinks.arguments(true));
        }
        if (!earlier.isEmpty()) {
            jdbc.update("""
                    UPDATE identities i SET first_seen_at = d.t, first_event_id = d.e, first_source_id = d.s
                    FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[])
                         AS d (w, ty, v, t, e, s)
                    WHERE i.workspace_id = d.w AND i.type = d.ty AND i.value = d.v AND i.first_seen_at > d.t""",
                    earlier.arguments(false));
        }
    }

    private static String[] column(List<String[]> rows, int index) {
        return rows.stream().map(row -> row[index]).toArray(String[]::new);
    }

    /** An identifier of a workspace, locked by {@link IdentifierLocks}. */
    private record Key(String workspaceId, PersonIdentifier identifier) {

        String lockKey() {
            return IdentifierLocks.key(workspaceId, identifier);
        }
    }

    @FunctionalInterface
    private interface LinkConsumer {
        void accept(String workspaceId, PersonIdentifier identifier, String profileId, Instant firstSeenAt);
    }

    /** Profile rows as column arrays, for one multi-row statement. */
    private static final class ProfileRows {
        private final List<String> workspaces = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final List<String> createdAt = new ArrayList<>();
        private final List<String> mergedInto = new ArrayList<>();
        private final List<Integer> mergeCounts = new ArrayList<>();
        private final List<String> counts = new ArrayList<>();

        void add(String workspaceId, GraphProfile profile, JsonMapper json) {
            workspaces.add(workspaceId);
            ids.add(profile.id);
            createdAt.add(profile.createdAt.toString());
            mergedInto.add(profile.mergedInto);
            mergeCounts.add(profile.mergeCount);
            counts.add(json.writeValueAsString(profile.counts));
        }

        boolean isEmpty() {
            return ids.isEmpty();
        }

        Object[] arguments(boolean withCreatedAt) {
            String[] w = workspaces.toArray(String[]::new);
            String[] id = ids.toArray(String[]::new);
            String[] m = mergedInto.toArray(String[]::new);
            Integer[] mc = mergeCounts.toArray(Integer[]::new);
            String[] ic = counts.toArray(String[]::new);
            return withCreatedAt
                    ? new Object[] {w, id, createdAt.toArray(String[]::new), m, mc, ic}
                    : new Object[] {w, id, m, mc, ic};
        }
    }

    /** Identity rows as column arrays, for one multi-row statement. */
    private static final class LinkRows {
        private final List<String> workspaces = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private final List<String> values = new ArrayList<>();
        private final List<String> profileIds = new ArrayList<>();
        private final List<String> seenAt = new ArrayList<>();
        private final List<String> eventIds = new ArrayList<>();
        private final List<String> sourceIds = new ArrayList<>();

        void add(String workspaceId, PersonIdentifier identifier, String profileId, GraphLink link) {
            workspaces.add(workspaceId);
            types.add(identifier.type());
            values.add(identifier.value());
            profileIds.add(profileId);
            seenAt.add(link.firstSighting.seenAt().toString());
            eventIds.add(link.firstSighting.eventId());
            sourceIds.add(link.firstSighting.sourceId());
        }

        boolean isEmpty() {
            return types.isEmpty();
        }

        Object[] arguments(boolean withProfile) {
            String[] w = workspaces.toArray(String[]::new);
            String[] t = types.toArray(String[]::new);
            String[] v = values.toArray(String[]::new);
            String[] at = seenAt.toArray(String[]::new);
            String[] e = eventIds.toArray(String[]::new);
            String[] s = sourceIds.toArray(String[]::new);
            return withProfile
                    ? new Object[] {w, t, v, profileIds.toArray(String[]::new), at, e, s}
                    : new Object[] {w, t, v, at, e, s};
        }
    }
}
