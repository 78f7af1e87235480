package org.opencdp.segmentation.profile;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.ArrayList;
import org.opencdp.conditions.SqlParameters;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionSql;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code profile_traits} table: each profile's current traits and computed traits, and per key the
 * change that last wrote it ({@link WrittenBy}, which the ordering guard of issue 15 compares): its
 * version in {@code traits_versions} / {@code computed_traits_versions}, and its {@code occurredAt} in
 * {@code traits_written_at} / {@code computed_traits_written_at} only while that version is 0 (a change
 * from before versions; the stamps serve nothing but that fallback).
 */
@Repository
public class ProfileTraitsRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    ProfileTraitsRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * The stored rows of {@code keys} (profiles never stored are absent), in one statement, each locked
     * FOR NO KEY UPDATE until the transaction ends, in (workspace, profile id) order so concurrent
     * chunks cannot deadlock. The lock serialises a profile's real-time evaluation with a segment
     * build's batch (which holds FOR SHARE on the rows it evaluates).
     */
    public Map<ProfileKey, ProfileState> lock(Collection<ProfileKey> keys) {
        Map<ProfileKey, ProfileState> stored = new HashMap<>();
        if (keys.isEmpty()) {
            return stored;
        }
        jdbc.query("""
                        SELECT workspace_id, profile_id, traits::text, computed_traits::text, updated_at,
                               traits_versions::text, traits_written_at::text,
                               computed_traits_versions::text, computed_traits_written_at::text
                        FROM profile_traits
                        WHERE (workspace_id, profile_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))
                        ORDER BY workspace_id, profile_id
                        FOR NO KEY UPDATE""",
                rs -> {
                    ProfileKey key = new ProfileKey(rs.getString(1), rs.getString(2));
                    stored.put(key, new ProfileState(key, toMap(rs.getString(3)), toMap(rs.getString(4)),
                            rs.getTimestamp(5).toInstant(), writtenBy(rs.getString(6), rs.getString(7)),
                            writtenBy(rs.getString(8), rs.getString(9))));
                },
                keys.stream().map(ProfileKey::workspaceId).toArray(String[]::new),
                keys.stream().map(ProfileKey::profileId).toArray(String[]::new));
        return stored;
    }

    /**
     * Stores {@code profiles} as they are (replacing each row's traits and, per key, the version of the
     * change that last wrote it, and its {@code occurredAt} only where that version is 0: the guard's
     * fallback for changes from before versions is the only reader of the stamps), in one statement.
     * The ordering guard needs no condition here: the caller folded the changes over
     * the rows {@link #lock} returned, and holds their locks.
     * {@code locked} are the rows {@link #lock} returned in this transaction; any other profile must
     * be new. If one was inserted meanwhile by another transaction, what the caller computed from
     * "no row" is stale: the statement then fails with {@link OptimisticLockingFailureException}, and
     * the whole chunk is run again (it then finds and locks the row).
     */
    public void write(List<ProfileState> profiles, Set<ProfileKey> locked) {
        if (profiles.isEmpty()) {
            return;
        }
        int size = profiles.size();
        String[] workspaces = new String[size];
        String[] ids = new String[size];
        String[] traits = new String[size];
        String[] computed = new String[size];
        String[] updatedAt = new String[size];
        String[] traitsVersions = new String[size];
        String[] traitsWrittenAt = new String[size];
        String[] computedVersions = new String[size];
        String[] computedWrittenAt = new String[size];
        for (int i = 0; i < size; i++) {
            ProfileState profile = profiles.get(i);
            workspaces[i] = profile.key().workspaceId();
            ids[i] = profile.key().profileId();
            traits[i] = json.writeValueAsString(profile.traits());
            computed[i] = json.writeValueAsString(profile.computedTraits());
            updatedAt[i] = profile.updatedAt().toString();
            traitsVersions[i] = versionsJson(profile.traitsWrittenBy());
            traitsWrittenAt[i] = stampsJson(profile.traitsWrittenBy());
            computedVersions[i] = versionsJson(profile.computedTraitsWrittenBy());
            computedWrittenAt[i] = stampsJson(profile.computedTraitsWrittenBy());
        }
        // xmax = 0 holds for a row this statement inserted, not for one it updated (PostgreSQL's usual idiom)
        List<ProfileKey> updated = jdbc.query("""
                        INSERT INTO profile_traits AS p (workspace_id, profile_id, traits, computed_traits, updated_at,
                                                         traits_versions, traits_written_at,
                                                         computed_traits_versions, computed_traits_written_at)
                        SELECT w, id, t::jsonb, c::jsonb, u, tv::jsonb, tw::jsonb, cv::jsonb, cw::jsonb
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[],
                                    ?::text[], ?::text[])
                             AS x (w, id, t, c, u, tv, tw, cv, cw)
                        ORDER BY w, id COLLATE "C"
                        ON CONFLICT (workspace_id, profile_id) DO UPDATE
                        SET traits = EXCLUDED.traits, computed_traits = EXCLUDED.computed_traits,
                            updated_at = EXCLUDED.updated_at,
                            traits_versions = EXCLUDED.traits_versions, traits_written_at = EXCLUDED.traits_written_at,
                            computed_traits_versions = EXCLUDED.computed_traits_versions,
                            computed_traits_written_at = EXCLUDED.computed_traits_written_at
                        RETURNING workspace_id, profile_id, xmax = 0""",
                (rs, i) -> rs.getBoolean(3) ? null : new ProfileKey(rs.getString(1), rs.getString(2)),
                workspaces, ids, traits, computed, updatedAt, traitsVersions, traitsWrittenAt, computedVersions,
                computedWrittenAt).stream().filter(Objects::nonNull).toList();
        for (ProfileKey row : updated) {
            if (!locked.contains(row)) {
                throw new OptimisticLockingFailureException("Profile " + row.profileId() + " of workspace "
                        + row.workspaceId() + " was stored by another transaction meanwhile");
            }
        }
    }

    /**
     * The next {@code limit} profiles after {@code afterProfileId} in id order, each row locked FOR
     * SHARE until the transaction ends: a concurrent change of one of them waits, then evaluates
     * against what this transaction wrote.
     */
    public List<ProfileTraits> lockBatch(String workspaceId, String afterProfileId, int limit) {
        return jdbc.query("""
                        SELECT profile_id, traits::text, computed_traits::text FROM profile_traits
                        WHERE workspace_id = ? AND profile_id > ?
                        ORDER BY profile_id LIMIT ? FOR SHARE""",
                this::row, workspaceId, afterProfileId, limit);
    }

    /**
     * How many profiles of the workspace match {@code condition}, and the ids of the first {@code
     * sampleSize} of them in id order, evaluated in the database ({@link ConditionSql}): one counting
     * scan, and one walk of the primary key that stops at the sample's last id.
     */
    public Matches matching(String workspaceId, Condition condition, int sampleSize) {
        SqlParameters.Positional parameters = SqlParameters.positional();
        String test = ConditionSql.of(condition, parameters);
        List<Object> values = new ArrayList<>();
        values.add(workspaceId);
        values.addAll(parameters.values());
        Long size = jdbc.queryForObject("SELECT count(*) FROM profile_traits p WHERE p.workspace_id = ? AND " + test,
                Long.class, values.toArray());
        if (size == null || size == 0) {
            return new Matches(0, List.of());
        }
        values.add(sampleSize);
        List<String> sample = jdbc.queryForList("SELECT p.profile_id FROM profile_traits p WHERE p.workspace_id = ? AND "
                + test + " ORDER BY p.profile_id LIMIT ?", String.class, values.toArray());
        return new Matches(size, sample);
    }

    /** The profiles a condition matches: how many, and the first few ids. */
    public record Matches(long size, List<String> sample) {
    }

    /**
     * Those of {@code keys} that are gone for good, in one statement: merged into another profile, or
     * erased by a privacy command (until its tombstone is pruned). Nothing may bring them back.
     */
    public Set<ProfileKey> goneForGood(Collection<ProfileKey> keys) {
        Set<ProfileKey> gone = new HashSet<>();
        if (keys.isEmpty()) {
            return gone;
        }
        String[] workspaces = keys.stream().map(ProfileKey::workspaceId).toArray(String[]::new);
        String[] ids = keys.stream().map(ProfileKey::profileId).toArray(String[]::new);
        jdbc.query("""
                        WITH k (w, p) AS (SELECT * FROM unnest(?::text[], ?::text[]))
                        SELECT workspace_id, profile_id FROM merged_profiles
                        WHERE (workspace_id, profile_id) IN (SELECT w, p FROM k)
                        UNION
                        SELECT workspace_id, profile_id FROM erased_profiles
                        WHERE (workspace_id, profile_id) IN (SELECT w, p FROM k)""",
                rs -> {
                    gone.add(new ProfileKey(rs.getString(1), rs.getString(2)));
                },
                workspaces, ids);
        return gone;
    }

    /**
     * Forgets merged-away profiles: their rows go, and each is remembered as merged into its survivor
     * so a late or replayed ProfileChanged of it cannot bring it back. Two statements.
     */
    public void removeMerged(Map<ProfileKey, String> survivorByMerged, Instant at) {
        if (survivorByMerged.isEmpty()) {
            return;
        }
        String[] workspaces = survivorByMerged.keySet().stream().map(ProfileKey::workspaceId).toArray(String[]::new);
        String[] ids = survivorByMerged.keySet().stream().map(ProfileKey::profileId).toArray(String[]::new);
        jdbc.update("""
                        DELETE FROM profile_traits
                        WHERE (workspace_id, profile_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))""",
                workspaces, ids);
        jdbc.update("""
                        INSERT INTO merged_profiles (workspace_id, profile_id, survivor_id, merged_at)
                        SELECT w, p, s, ? FROM unnest(?::text[], ?::text[], ?::text[]) AS x (w, p, s)
                        ON CONFLICT (workspace_id, profile_id) DO NOTHING""",
                Timestamp.from(at), workspaces, ids, survivorByMerged.values().toArray(String[]::new));
    }

    public boolean exists(String workspaceId, String profileId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM profile_traits WHERE workspace_id = ? AND profile_id = ?)",
                Boolean.class, workspaceId, profileId));
    }

    private ProfileTraits row(ResultSet rs, int rowNum) throws SQLException {
        return new ProfileTraits(rs.getString(1), toMap(rs.getString(2)), toMap(rs.getString(3)));
    }

    /**
     * Per key, the change that last wrote it, from a row's version map and its stamps (an ISO instant,
     * as PostgreSQL or Java writes it). A key the version map lacks (a row written before versions
     * existed) is version 0; the stamps hold only keys of version 0.
     */
    private Map<String, WrittenBy> writtenBy(String versionsText, String stampsText) {
        Map<String, JsonNode> versions = toMap(versionsText);
        Map<String, JsonNode> stamps = toMap(stampsText);
        Set<String> keys = new HashSet<>(versions.keySet());
        keys.addAll(stamps.keySet());
        Map<String, WrittenBy> writtenBy = new HashMap<>();
        for (String name : keys) {
            JsonNode at = stamps.get(name);
            writtenBy.put(name, new WrittenBy(versions.containsKey(name) ? versions.get(name).asLong() : 0,
                    at == null ? null : OffsetDateTime.parse(at.asString()).toInstant()));
        }
        return writtenBy;
    }

    private String versionsJson(Map<String, WrittenBy> writtenBy) {
        Map<String, Long> versions = new HashMap<>();
        writtenBy.forEach((name, by) -> versions.put(name, by.version()));
        return json.writeValueAsString(versions);
    }

    /** The stamps the 0-version fallback compares: only the keys a change from before versions wrote last. */
    private String stampsJson(Map<String, WrittenBy> writtenBy) {
        Map<String, String> stamps = new HashMap<>();
        writtenBy.forEach((name, by) -> {
            if (by.version() == 0) {
                stamps.put(name, by.at().toString());
            }
        });
        return json.writeValueAsString(stamps);
    }

    private Map<String, JsonNode> toMap(String text) {
        JsonNode node = json.readTree(text);
        Map<String, JsonNode> traits = new HashMap<>();
        if (node instanceof ObjectNode object) {
            object.forEachEntry(traits::put);
        }
        return traits;
    }
}
