package org.opencdp.identity.graph;

import java.util.Collection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The identifier locks of the graph's lock order (docs/identity-resolution.md, "Locking"): one
 * transaction-scoped advisory lock per identifier on a 64-bit hash of (workspace, type, value),
 * taken in ascending hash order by one statement. Resolution takes them before it locks any profile
 * row, and so does a privacy command, so the two serialise on the identifiers they share.
 */
public final class IdentifierLocks {

    /** The lock key of an identifier of a workspace: (workspace, type, value) joined by a unit separator. */
    public static String key(String workspaceId, PersonIdentifier identifier) {
        return workspaceId + '\u001f' + identifier.type() + '\u001f' + identifier.value();
    }

    /** Takes the locks of {@code keys} (see {@link #key}) in ascending hash order; must run inside a transaction. */
    public static void lock(JdbcTemplate jdbc, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        jdbc.queryForObject("""
                SELECT count(pg_advisory_xact_lock(h))
                FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(?::text[]) AS k ORDER BY h) AS ordered""",
                Long.class, (Object) keys.toArray(String[]::new));
    }

    private IdentifierLocks() {
    }
}
