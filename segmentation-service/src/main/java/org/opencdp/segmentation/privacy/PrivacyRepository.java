package org.opencdp.segmentation.privacy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What privacy commands (issue 12) read from and do to segmentation's own tables: the trait
 * projection ({@code profile_traits}), the merged-away ids ({@code merged_profiles}) and the erased
 * ids ({@code erased_profiles}). Memberships go through {@code MembershipTransitions}, which
 * publishes the exits. Every statement is sealed to the command's workspace, whatever ids it names.
 */
@Repository
class PrivacyRepository {

    private final JdbcTemplate jdbc;

    PrivacyRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The profile ids named and every profile merged into one of them, directly or through others
     * (segmentation's {@code merged_profiles}, followed down), in code-point order. One statement.
     */
    List<String> withMergedAway(String workspaceId, Collection<String> profileIds) {
        return jdbc.queryForList("""
                        WITH RECURSIVE person (id) AS (
                            SELECT p COLLATE "C" FROM unnest(?::text[]) AS p
                            UNION
                            SELECT m.profile_id FROM merged_profiles m JOIN person ON m.workspace_id = ?
                              AND m.survivor_id COLLATE "C" = person.id)
                        SELECT id FROM person ORDER BY id""",
                String.class, profileIds.toArray(String[]::new), workspaceId);
    }

    /**
     * Deletes the profiles' traits and computed traits and the merge records that name them, and
     * remembers every id as erased (the opaque id, the request and the time), so a late or replayed
     * ProfileChanged of one changes nothing. Three statements.
     */
    Erased erase(String workspaceId, UUID requestId, List<String> profileIds, Instant at) {
        String[] ids = profileIds.toArray(String[]::new);
        int profiles = jdbc.update("DELETE FROM profile_traits WHERE workspace_id = ? AND profile_id = ANY (?::text[])",
                workspaceId, ids);
        int merges = jdbc.update("""
                DELETE FROM merged_profiles WHERE workspace_id = ?
                  AND (profile_id = ANY (?::text[]) OR survivor_id COLLATE "C" = ANY (?::text[]))""",
                workspaceId, ids, ids);
        jdbc.update("""
                        INSERT INTO erased_profiles (workspace_id, profile_id, request_id, erased_at)
                        SELECT ?, p, ?, ? FROM unnest(?::text[]) AS p ORDER BY p COLLATE "C"
                        ON CONFLICT (workspace_id, profile_id) DO NOTHING""",
                workspaceId, requestId, Timestamp.from(at), ids);
        return new Erased(profiles, merges);
    }

    /** The profiles' stored traits, as segmentation projects them from ProfileChanged, in id order. */
    List<StoredProfile> profiles(String workspaceId, List<String> profileIds) {
        return jdbc.query("""
                        SELECT profile_id, traits::text, computed_traits::text, updated_at FROM profile_traits
                        WHERE workspace_id = ? AND profile_id = ANY (?::text[]) ORDER BY profile_id""",
                (rs, i) -> new StoredProfile(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()),
                workspaceId, profileIds.toArray(String[]::new));
    }

    /**
     * Every membership row of the profiles, current ones first (oldest first), then former ones (the
     * segment they left, most recent first), with the segment's name.
     */
    List<StoredMembership> memberships(String workspaceId, List<String> profileIds) {
        return jdbc.query("""
                        SELECT m.profile_id, m.segment_id, s.name, m.member, m.changed_at
                        FROM memberships m JOIN segments s ON s.workspace_id = m.workspace_id AND s.id = m.segment_id
                        WHERE m.workspace_id = ? AND m.profile_id = ANY (?::text[])
                        ORDER BY m.member DESC,
                                 CASE WHEN m.member THEN m.changed_at END,
                                 CASE WHEN NOT m.member THEN m.changed_at END DESC,
                                 m.profile_id, m.segment_id""",
                (rs, i) -> new StoredMembership(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant()),
                workspaceId, profileIds.toArray(String[]::new));
    }

    /** The merge records that name the profiles (as the merged-away one or as the survivor). */
    List<MergeRecord> merges(String workspaceId, List<String> profileIds) {
        String[] ids = profileIds.toArray(String[]::new);
        return jdbc.query("""
                        SELECT profile_id, survivor_id, merged_at FROM merged_profiles
                        WHERE workspace_id = ? AND (profile_id = ANY (?::text[]) OR survivor_id COLLATE "C" = ANY (?::text[]))
                        ORDER BY merged_at, profile_id""",
                (rs, i) -> new MergeRecord(rs.getString(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()),
                workspaceId, ids, ids);
    }

    /** Deletes up to {@code limit} erased ids remembered for longer than {@code retention}; returns how many. */
    int pruneErased(Duration retention, int limit) {
        return jdbc.update("""
                        DELETE FROM erased_profiles WHERE ctid IN (
                            SELECT ctid FROM erased_profiles WHERE erased_at < now() - make_interval(secs => ?) LIMIT ?)""",
                (double) retention.toSeconds(), limit);
    }

    /** How many rows an erase deleted besides memberships. */
    record Erased(int profiles, int merges) {
    }

    /** A profile's row of the trait projection, its JSON as stored. */
    record StoredProfile(String profileId, String traits, String computedTraits, Instant updatedAt) {
    }

    /** A membership row: current ({@code member}) since {@code changedAt}, or left at {@code changedAt}. */
    record StoredMembership(String profileId, String segmentId, String name, boolean member, Instant changedAt) {
    }

    /** A merged-away profile and the survivor it was merged into. */
    record MergeRecord(String profileId, String survivorId, Instant mergedAt) {
    }
}
