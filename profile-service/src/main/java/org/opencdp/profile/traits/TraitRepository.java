package org.opencdp.profile.traits;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.profile.profiles.ProfileRef;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The {@code traits} table: the winning observation of each trait of each profile. */
@Repository
class TraitRepository {

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JsonMapper json;

    TraitRepository(JdbcTemplate jdbc, NamedParameterJdbcTemplate named, JsonMapper json) {
        this.jdbc = jdbc;
        this.named = named;
        this.json = json;
    }

    /** The stored observations of {@code keys} of one profile, by key. */
    Map<String, TraitObservation> find(String workspaceId, String profileId, Collection<String> keys) {
        Map<String, TraitObservation> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        named.query("""
                        SELECT key, value, observed_at, message_id, source_id FROM traits
                        WHERE workspace_id = :workspaceId AND profile_id = :profileId AND key IN (:keys)""",
                new MapSqlParameterSource().addValue("workspaceId", workspaceId).addValue("profileId", profileId)
                        .addValue("keys", keys),
                rs -> {
                    TraitObservation observation = map(rs);
                    found.put(observation.key(), observation);
                });
        return found;
    }

    /**
     * The stored observations of several profiles' keys, in one statement: by profile, then key.
     * Profiles and keys not stored are absent.
     */
    Map<ProfileRef, Map<String, TraitObservation>> findAll(Map<ProfileRef, ? extends Collection<String>> keys) {
        List<String> workspaces = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        List<String> names = new ArrayList<>();
        keys.forEach((profile, profileKeys) -> profileKeys.forEach(key -> {
            workspaces.add(profile.workspaceId());
            profiles.add(profile.profileId());
            names.add(key);
        }));
        Map<ProfileRef, Map<String, TraitObservation>> found = new HashMap<>();
        if (names.isEmpty()) {
            return found;
        }
        jdbc.query("""
                        SELECT workspace_id, profile_id, key, value, observed_at, message_id, source_id FROM traits
                        WHERE (workspace_id, profile_id, key) IN (SELECT * FROM unnest(?::text[], ?::text[], ?::text[]))""",
                (RowCallbackHandler) rs -> found.computeIfAbsent(
                                new ProfileRef(rs.getString("workspace_id"), rs.getString("profile_id")),
                                profile -> new HashMap<>())
                        .put(rs.getString("key"), map(rs)),
                workspaces.toArray(String[]::new), profiles.toArray(String[]::new), names.toArray(String[]::new));
        return found;
    }

    /**
     * Stores each observation as the current value of its key of its profile, in one statement (at
     * most one observation per profile and key).
     */
    void saveAll(Map<ProfileRef, ? extends Collection<TraitObservation>> observations) {
        List<Object[]> rows = new ArrayList<>();
        observations.forEach((profile, observed) -> observed.forEach(o -> rows.add(new Object[] {
                profile.workspaceId(), profile.profileId(), o.key(), json.writeValueAsString(o.value()),
                o.sourceId(), o.messageId(), o.observedAt().toString()})));
        if (rows.isEmpty()) {
            return;
        }
        jdbc.update("""
                        INSERT INTO traits (workspace_id, profile_id, key, value, source_id, message_id, observed_at)
                        SELECT w, p, k, v::jsonb, s, m, o
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                             AS t (w, p, k, v, s, m, o)
                        ORDER BY w, p, k
                        ON CONFLICT (workspace_id, profile_id, key) DO UPDATE SET
                            value = EXCLUDED.value, source_id = EXCLUDED.source_id,
                            message_id = EXCLUDED.message_id, observed_at = EXCLUDED.observed_at""",
                column(rows, 0), column(rows, 1), column(rows, 2), column(rows, 3), column(rows, 4), column(rows, 5),
                column(rows, 6));
    }

    private static String[] column(List<Object[]> rows, int index) {
        return rows.stream().map(row -> (String) row[index]).toArray(String[]::new);
    }

    /** Every stored trait of one profile (removed ones included), by key. */
    List<TraitObservation> findAll(String workspaceId, String profileId) {
        return jdbc.query("""
                SELECT key, value, observed_at, message_id, source_id FROM traits
                WHERE workspace_id = ? AND profile_id = ? ORDER BY key""",
                (rs, row) -> map(rs), workspaceId, profileId);
    }

    /** Stores {@code observations} as the current value of their keys. */
    void save(String workspaceId, String profileId, Collection<TraitObservation> observations) {
        if (observations.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                        INSERT INTO traits (workspace_id, profile_id, key, value, source_id, message_id, observed_at)
                        VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)
                        ON CONFLICT (workspace_id, profile_id, key) DO UPDATE SET
                            value = EXCLUDED.value, source_id = EXCLUDED.source_id,
                            message_id = EXCLUDED.message_id, observed_at = EXCLUDED.observed_at""",
                observations.stream().map(o -> new Object[] {workspaceId, profileId, o.key(),
                        json.writeValueAsString(o.value()), o.sourceId(), o.messageId(),
                        OffsetDateTime.ofInstant(o.observedAt(), ZoneOffset.UTC)}).toList());
    }

    /** Deletes every trait of one profile. */
    void deleteAll(String workspaceId, String profileId) {
        jdbc.update("DELETE FROM traits WHERE workspace_id = ? AND profile_id = ?", workspaceId, profileId);
    }

    private TraitObservation map(ResultSet rs) throws SQLException {
        return new TraitObservation(rs.getString("key"), json.readTree(rs.getString("value")),
                rs.getObject("observed_at", OffsetDateTime.class).toInstant(), rs.getString("message_id"),
                rs.getString("source_id"));
    }
}
