package org.opencdp.segmentation.membership;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.opencdp.segmentation.profile.ProfileKey;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code memberships} table. A row exists for every (segment, profile) that was ever a member;
 * {@code version} increases with every entry and exit. The write methods change a row only on a
 * real transition and say so by returning the new version.
 */
@Repository
public class MembershipRepository {

    private final JdbcTemplate jdbc;

    MembershipRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The segments each of {@code profiles} is currently a member of, in one statement (non-members absent). */
    public Map<ProfileKey, Set<String>> segmentsOf(Collection<ProfileKey> profiles) {
        Map<ProfileKey, Set<String>> segments = new HashMap<>();
        if (profiles.isEmpty()) {
            return segments;
        }
        jdbc.query("""
                        SELECT workspace_id, profile_id, segment_id FROM memberships
                        WHERE (workspace_id, profile_id) IN (SELECT * FROM unnest(?::text[], ?::text[])) AND member""",
                rs -> {
                    segments.computeIfAbsent(new ProfileKey(rs.getString(1), rs.getString(2)), k -> new HashSet<>())
                            .add(rs.getString(3));
                },
                profiles.stream().map(ProfileKey::workspaceId).toArray(String[]::new),
                profiles.stream().map(ProfileKey::profileId).toArray(String[]::new));
        return segments;
    }

    /**
     * Writes many memberships' net changes in one statement: each row ends {@code member} after
     * {@code transitions} entries and exits, its version raised by that many (a new row starts at 0,
     * so its first entry is version 1). A row is only changed if it is as the caller read it (a
     * member before an odd number of transitions ends out, and the reverse); the answer holds the new
     * version of each row written, so a row missing from it was not as read.
     */
    Map<MembershipKey, Long> write(List<NetChange> changes, Instant at) {
        if (changes.isEmpty()) {
            return Map.of();
        }
        Map<MembershipKey, Long> versions = new HashMap<>();
        jdbc.query("""
                        INSERT INTO memberships AS m (workspace_id, segment_id, profile_id, member, version, changed_at)
                        SELECT w, s, p, member, n, ?
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::boolean[], ?::bigint[]) AS x (w, s, p, member, n)
                        ORDER BY w, s, p COLLATE "C"
                        ON CONFLICT (workspace_id, segment_id, profile_id) DO UPDATE
                        SET member = EXCLUDED.member, version = m.version + EXCLUDED.version,
                            changed_at = EXCLUDED.changed_at
                        WHERE m.member = (EXCLUDED.member <> (EXCLUDED.version % 2 = 1))
                        RETURNING workspace_id, segment_id, profile_id, version""",
                rs -> {
                    versions.put(new MembershipKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4));
                },
                Timestamp.from(at),
                changes.stream().map(c -> c.key().workspaceId()).toArray(String[]::new),
                changes.stream().map(c -> c.key().segmentId()).toArray(String[]::new),
                changes.stream().map(c -> c.key().profileId()).toArray(String[]::new),
                changes.stream().map(NetChange::member).toArray(Boolean[]::new),
                changes.stream().map(c -> (long) c.transitions()).toArray(Long[]::new));
        return versions;
    }

    /**
     * Removes every membership row of {@code profiles} (merged away or erased: they never come back),
     * in one statement; the rows removed, whether each was a current membership, with its version.
     */
    List<MembershipTransition.Removed> deleteProfiles(Collection<ProfileKey> profiles) {
        if (profiles.isEmpty()) {
            return List.of();
        }
        return jdbc.query("""
                        DELETE FROM memberships
                        WHERE (workspace_id, profile_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))
                        RETURNING workspace_id, segment_id, profile_id, member, version""",
                (rs, i) -> new MembershipTransition.Removed(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getLong(5)),
                profiles.stream().map(ProfileKey::workspaceId).toArray(String[]::new),
                profiles.stream().map(ProfileKey::profileId).toArray(String[]::new));
    }

    /** The current members of a segment with ids in {@code (afterExclusive, lastInclusive]}. */
    public Set<String> membersBetween(String workspaceId, String segmentId, String afterExclusive, String lastInclusive) {
        return new HashSet<>(jdbc.queryForList("""
                        SELECT profile_id FROM memberships
                        WHERE workspace_id = ? AND segment_id = ? AND member AND profile_id > ? AND profile_id <= ?""",
                String.class, workspaceId, segmentId, afterExclusive, lastInclusive));
    }

    /** Makes the profile a member; the new version, or empty when it already was one. */
    OptionalLong enter(String workspaceId, String segmentId, String profileId, Instant at) {
        List<Long> version = jdbc.queryForList("""
                        INSERT INTO memberships AS m (workspace_id, segment_id, profile_id, member, version, changed_at)
                        VALUES (?, ?, ?, true, 1, ?)
                        ON CONFLICT (workspace_id, segment_id, profile_id) DO UPDATE
                        SET member = true, version = m.version + 1, changed_at = EXCLUDED.changed_at
                        WHERE NOT m.member
                        RETURNING version""",
                Long.class, workspaceId, segmentId, profileId, Timestamp.from(at));
        return version.isEmpty() ? OptionalLong.empty() : OptionalLong.of(version.getFirst());
    }

    /** Ends the profile's membership; the new version, or empty when it was not a member. */
    OptionalLong exit(String workspaceId, String segmentId, String profileId, Instant at) {
        List<Long> version = jdbc.queryForList("""
                        UPDATE memberships SET member = false, version = version + 1, changed_at = ?
                        WHERE workspace_id = ? AND segment_id = ? AND profile_id = ? AND member
                        RETURNING version""",
                Long.class, Timestamp.from(at), workspaceId, segmentId, profileId);
        return version.isEmpty() ? OptionalLong.empty() : OptionalLong.of(version.getFirst());
    }

    /** Ends the membership of members whose profile segmentation no longer knows; their new versions. */
    List<Membership> exitUnknownProfiles(String workspaceId, String segmentId, Instant at) {
        return jdbc.query("""
                        UPDATE memberships m SET member = false, version = m.version + 1, changed_at = ?
                        WHERE m.workspace_id = ? AND m.segment_id = ? AND m.member
                          AND NOT EXISTS (SELECT 1 FROM profile_traits p
                                          WHERE p.workspace_id = m.workspace_id AND p.profile_id = m.profile_id)
                        RETURNING m.profile_id, m.changed_at, m.version""",
                (rs, i) -> new Membership(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getLong(3)),
                Timestamp.from(at), workspaceId, segmentId);
    }

    /** Every current member of a segment. */
    List<Membership> members(String workspaceId, String segmentId) {
        return page(workspaceId, segmentId, "", Integer.MAX_VALUE);
    }

    /** Up to {@code limit} current members with ids after {@code afterProfileId}, in id order. */
    public List<Membership> page(String workspaceId, String segmentId, String afterProfileId, int limit) {
        return jdbc.query("""
                        SELECT profile_id, changed_at, version FROM memberships
                        WHERE workspace_id = ? AND segment_id = ? AND member AND profile_id > ?
                        ORDER BY profile_id LIMIT ?""",
                (rs, i) -> new Membership(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getLong(3)),
                workspaceId, segmentId, afterProfileId, limit);
    }

    /** The segments a profile currently belongs to, with their names, oldest membership first. */
    public List<ProfileMembership> ofProfile(String workspaceId, String profileId) {
        return jdbc.query("""
                        SELECT s.id, s.name, m.changed_at FROM memberships m
                        JOIN segments s ON s.workspace_id = m.workspace_id AND s.id = m.segment_id
                        WHERE m.workspace_id = ? AND m.profile_id = ? AND m.member
                        ORDER BY m.changed_at, s.id""",
                (rs, i) -> new ProfileMembership(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()),
                workspaceId, profileId);
    }

    /** How many members a segment has now. */
    public long size(String workspaceId, String segmentId) {
        Long size = jdbc.queryForObject(
                "SELECT count(*) FROM memberships WHERE workspace_id = ? AND segment_id = ? AND member",
                Long.class, workspaceId, segmentId);
        return size == null ? 0 : size;
    }

    /** How many members each segment of the workspace has now (segments without members are absent). */
    public Map<String, Long> sizes(String workspaceId) {
        Map<String, Long> sizes = new HashMap<>();
        jdbc.query("""
                        SELECT segment_id, count(*) FROM memberships WHERE workspace_id = ? AND member
                        GROUP BY segment_id""",
                rs -> {
                    sizes.put(rs.getString(1), rs.getLong(2));
                }, workspaceId);
        return sizes;
    }

    /** A membership row's key. */
    record MembershipKey(String workspaceId, String segmentId, String profileId) {
    }

    /** What a chunk did to one membership row: how many transitions, and whether it ends a member. */
    record NetChange(MembershipKey key, boolean member, int transitions) {
    }
}
