package org.opencdp.profile.computed;

import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

/**
 * The locks that hand a computed trait over exactly from its backfill to incremental tracking
 * (issue 18). Transaction-level PostgreSQL advisory locks, in two key spaces of this schema:
 *
 * <ul>
 *   <li><b>event key</b> (workspace, event name). A chunk of resolved events holds it <em>shared</em>
 *       for every track event name it carries, taken before it reads the definitions and before any
 *       profile lock, until it commits. Each backfill (or deletion) batch of a definition holds it
 *       <em>exclusive</em> for the definition's event name.</li>
 *   <li><b>workspace key</b>. Each backfill batch holds it <em>shared</em> (before its event key); a
 *       chunk of merges holds it <em>exclusive</em> for its workspaces, before any profile lock.</li>
 * </ul>
 *
 * <p>Why this makes the hand-over exact: a batch and a chunk over the same event name never overlap.
 * A chunk that runs after a batch reads the definitions after the batch committed (the read is its
 * own statement, so its snapshot is taken after the lock is granted), and counts its events
 * incrementally exactly when the committed cursor has passed the profile (or the trait is ready):
 * that batch did not see them, since they were not written yet. A chunk that runs before a batch
 * committed its events before the batch selects its profiles, so the batch sees the profile, new or
 * not, and its events: the lost interleavings of issue 18 (a profile created during the last batch,
 * or inside a running one) cannot happen. A chunk that started before a definition existed is
 * still waited for by the definition's first batch, since it holds the event key: no chunk in
 * flight can miss a new definition either. A merge moves events into a survivor it may create; the
 * workspace key keeps merges and batches apart for the same reasons.
 *
 * <p>Why not the definition row ({@code FOR SHARE} in the chunk, {@code FOR UPDATE} in the batch)
 * nor a watermark: PostgreSQL lets a new {@code FOR SHARE} join the ones already held without
 * queueing behind a waiting {@code FOR UPDATE}, so under steady traffic a batch could wait for ever
 * (and the batch's {@code SKIP LOCKED} claim would simply skip the definition); a chunk that read the
 * definitions before a new one committed holds no row of it; and a watermark over events needs a
 * position in commit order that the event store does not have. Advisory locks queue fairly (a new
 * shared request waits behind a waiting exclusive one), cover definitions not created yet, and cost
 * a chunk one statement. The price: chunks carrying an event name wait while a batch of a trait over
 * that name runs, so consumption slows while a backfill runs.
 *
 * <p>Lock order (no cycle): chunk of events: event keys (shared, sorted) → profiles in {@code
 * ProfileRef.LOCK_ORDER}. Batch: definition row ({@code SKIP LOCKED}) → workspace key (shared) →
 * event key (exclusive) → profiles in id order. Chunk of merges: workspace keys (exclusive, sorted) →
 * profiles. A chunk waiting for an event key holds no profile and no definition; a batch waiting for
 * a key holds only its definition row, which no chunk locks. Hash collisions only make unrelated
 * names wait for each other, never break the exclusion.
 */
@Repository
class HandOverLocks {

    private static final String EVENT_SPACE = "hashtext('opencdp.profile.computed-traits.event.' || current_schema())";
    private static final String WORKSPACE_SPACE =
            "hashtext('opencdp.profile.computed-traits.workspace.' || current_schema())";

    private final JdbcTemplate jdbc;

    HandOverLocks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A chunk of events: the event keys of {@code events}, shared, in key order. One statement. */
    void shareEvents(Collection<EventName> events) {
        List<EventName> distinct = events.stream().distinct().toList();
        if (distinct.isEmpty()) {
            return;
        }
        jdbc.query("SELECT pg_advisory_xact_lock_shared(" + EVENT_SPACE + ", k) FROM ("
                        + "SELECT DISTINCT " + eventKey("w", "e") + " AS k FROM unnest(?::text[], ?::text[]) AS x (w, e) "
                        + "ORDER BY k) keys",
                (RowCallbackHandler) rs -> { },
                distinct.stream().map(EventName::workspaceId).toArray(String[]::new),
                distinct.stream().map(EventName::event).toArray(String[]::new));
    }

    /** A backfill or deletion batch of a definition over {@code event}: waits for the chunks over it. */
    void holdForBatch(EventName event) {
        jdbc.query("SELECT pg_advisory_xact_lock_shared(" + WORKSPACE_SPACE + ", hashtext(?))",
                (RowCallbackHandler) rs -> { }, event.workspaceId());
        jdbc.query("SELECT pg_advisory_xact_lock(" + EVENT_SPACE + ", " + eventKey("?", "?") + ")",
                (RowCallbackHandler) rs -> { }, event.workspaceId(), event.event());
    }

    /** A chunk of merges: the workspace keys of {@code workspaceIds}, exclusive, in key order. One statement. */
    void holdWorkspaces(Collection<String> workspaceIds) {
        if (workspaceIds.isEmpty()) {
            return;
        }
        jdbc.query("SELECT pg_advisory_xact_lock(" + WORKSPACE_SPACE + ", k) FROM ("
                        + "SELECT DISTINCT hashtext(w) AS k FROM unnest(?::text[]) AS w ORDER BY k) keys",
                (RowCallbackHandler) rs -> { }, (Object) workspaceIds.stream().distinct().toArray(String[]::new));
    }

    private static String eventKey(String workspace, String event) {
        return "hashtext(" + workspace + " || '/' || " + event + ")";
    }
}
