package org.opencdp.identity.privacy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.opencdp.identity.graph.IdentifierLocks;
import org.opencdp.identity.graph.PersonIdentifier;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

/**
 * Finds, locks and deletes everything identity-service holds on one person: the profiles the
 * command names or its identifiers are attached to, followed through merges both ways (the survivor
 * they were merged into, and every profile merged into that survivor, directly or through others),
 * and the identifiers attached to them. Rows of one workspace only.
 *
 * <p>It keeps resolution's lock order (docs/identity-resolution.md, "Locking"): first the advisory
 * locks of every identifier the person holds or the command names ({@link IdentifierLocks}), then
 * the person's profile rows {@code FOR UPDATE} in id order. With those held no event can attach an
 * identifier to the person, merge into or out of its profiles, or resolve to them without waiting
 * (every such event carries one of the locked identifiers). What was read before locking is read
 * again after; if a concurrent merge or join changed it in between, {@link PersonChangedException}
 * makes the kit run the chunk again with fresh reads.
 */
@Repository
class PersonStore {

    /** Longer merge chains than this cannot occur (each link is a merge, capped per profile); a guard against loops. */
    private static final int MAX_DEPTH = 10_000;

    private final JdbcTemplate jdbc;

    PersonStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Reads and locks the person of {@code profileIds} and {@code identifiers}; inside the transaction that uses it. */
    Person lock(String workspaceId, Collection<String> profileIds, Collection<PersonIdentifier> identifiers) {
        Person before = read(workspaceId, profileIds, identifiers);
        Set<PersonIdentifier> locked = new LinkedHashSet<>(before.identifiers());
        locked.addAll(identifiers);
        IdentifierLocks.lock(jdbc, locked.stream().map(id -> IdentifierLocks.key(workspaceId, id)).toList());
        if (!before.profileIds().isEmpty()) {
            jdbc.queryForList("SELECT id FROM profiles WHERE workspace_id = ? AND id = ANY (?) ORDER BY id FOR UPDATE",
                    String.class, workspaceId, before.profileIds().toArray(String[]::new));
        }
        Person after = read(workspaceId, profileIds, identifiers);
        if (!after.profileIds().equals(before.profileIds()) || !locked.containsAll(after.identifiers())) {
            throw new PersonChangedException("The profiles of the person changed while a privacy command locked them");
        }
        return after;
    }

    /** Deletes the person's identifiers and profile rows; returns how many of each. */
    Erased erase(String workspaceId, Person person) {
        if (person.profileIds().isEmpty()) {
            return new Erased(0, 0);
        }
        String[] ids = person.profileIds().toArray(String[]::new);
        int identities = jdbc.update("DELETE FROM identities WHERE workspace_id = ? AND profile_id = ANY (?)",
                workspaceId, ids);
        int profiles = jdbc.update("DELETE FROM profiles WHERE workspace_id = ? AND id = ANY (?)", workspaceId, ids);
        return new Erased(profiles, identities);
    }

    private Person read(String workspaceId, Collection<String> profileIds, Collection<PersonIdentifier> identifiers) {
        List<PersonProfile> profiles = jdbc.query("""
                        WITH RECURSIVE named (id) AS (
                            SELECT unnest(?::text[])
                            UNION
                            SELECT i.profile_id FROM identities i
                            JOIN unnest(?::text[], ?::text[]) AS k (t, v) ON i.type = k.t AND i.value = k.v
                            WHERE i.workspace_id = ?),
                        up (id, merged_into, depth) AS (
                            SELECT p.id, p.merged_into, 0 FROM profiles p JOIN named n ON p.id = n.id
                            WHERE p.workspace_id = ?
                            UNION ALL
                            SELECT p.id, p.merged_into, u.depth + 1
                            FROM profiles p JOIN up u ON p.workspace_id = ? AND p.id = u.merged_into
                            WHERE u.depth < ?),
                        down (id, depth) AS (
                            SELECT DISTINCT id, 0 FROM up WHERE merged_into IS NULL
                            UNION ALL
                            SELECT p.id, d.depth + 1
                            FROM profiles p JOIN down d ON p.workspace_id = ? AND p.merged_into = d.id
                            WHERE d.depth < ?)
                        SELECT p.id, p.created_at, p.merged_into, p.merged_at, p.merge_count
                        FROM profiles p WHERE p.workspace_id = ? AND p.id IN (SELECT id FROM down)
                        ORDER BY p.id""",
                (rs, i) -> new PersonProfile(rs.getString(1), instant(rs.getObject(2, OffsetDateTime.class)),
                        rs.getString(3), instant(rs.getObject(4, OffsetDateTime.class)), rs.getInt(5)),
                profileIds.toArray(String[]::new),
                identifiers.stream().map(PersonIdentifier::type).toArray(String[]::new),
                identifiers.stream().map(PersonIdentifier::value).toArray(String[]::new),
                workspaceId, workspaceId, workspaceId, MAX_DEPTH, workspaceId, MAX_DEPTH, workspaceId);
        Set<String> ids = new TreeSet<>();
        profiles.forEach(profile -> ids.add(profile.id()));
        Set<PersonIdentifier> held = new HashSet<>();
        if (!ids.isEmpty()) {
            jdbc.query("SELECT type, value FROM identities WHERE workspace_id = ? AND profile_id = ANY (?)",
                    (RowCallbackHandler) rs -> held.add(
                            new PersonIdentifier(rs.getString(1), rs.getString(2))),
                    workspaceId, ids.toArray(String[]::new));
        }
        return new Person(profiles, ids, held);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /** A profile row of the person. */
    record PersonProfile(String id, Instant createdAt, String mergedInto, Instant mergedAt, int mergeCount) {
    }

    /** The person as identity holds it: its profile rows (by id), their ids, and the identifiers attached to them. */
    record Person(List<PersonProfile> profiles, Set<String> profileIds, Set<PersonIdentifier> identifiers) {
    }

    /** How many rows an erase deleted. */
    record Erased(int profiles, int identifiers) {
    }

    /** The person's profiles changed between the read and the lock; the kit runs the chunk again. */
    static final class PersonChangedException extends ConcurrencyFailureException {

        PersonChangedException(String message) {
            super(message);
        }
    }
}
