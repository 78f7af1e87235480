package org.opencdp.profile.computed;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code computed_traits} table (values and states per profile), and the aggregate queries over events. */
@Repository
class ValueRepository {

    /** A stored value with the state it follows from. */
    record StoredValue(String key, JsonNode value, JsonNode state) {
    }

    /** The state SQL computed for one profile, and the event time of the oldest event it counted. */
    record Computed(JsonNode state, Instant oldest) {
    }

    /** A profile whose windowed traits are due for a recompute. */
    record Due(String workspaceId, String profileId) {
    }

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JsonMapper json;

    ValueRepository(JdbcTemplate jdbc, NamedParameterJdbcTemplate named, JsonMapper json) {
        this.jdbc = jdbc;
        this.named = named;
        this.json = json;
    }

    /** The stored values of one profile, by key (all keys when {@code keys} is null). */
    Map<String, StoredValue> find(String workspaceId, String profileId, Collection<String> keys) {
        Map<String, StoredValue> found = new HashMap<>();
        if (keys != null && keys.isEmpty()) {
            return found;
        }
        MapSqlParameterSource parameters = new MapSqlParameterSource().addValue("workspaceId", workspaceId)
                .addValue("profileId", profileId).addValue("keys", keys);
        named.query("""
                SELECT trait_key, value::text AS value, state::text AS state FROM computed_traits
                WHERE workspace_id = :workspaceId AND profile_id = :profileId""" + (keys == null ? "" : " AND trait_key IN (:keys)"),
                parameters, rs -> {
                    found.put(rs.getString("trait_key"), new StoredValue(rs.getString("trait_key"),
                            json.readTree(rs.getString("value")), json.readTree(rs.getString("state"))));
                });
        return found;
    }

    /** A value of one trait of one profile. */
    record ValueKey(String workspaceId, String profileId, String key) {
    }

    /** A value to store, with its state and when it next decays (null when it does not). */
    record NewValue(ValueKey key, JsonNode value, JsonNode state, Instant expiresAt) {
    }

    /** The stored values of {@code keys}, in one statement; keys without a value are absent. */
    Map<ValueKey, StoredValue> findAll(Collection<ValueKey> keys) {
        Map<ValueKey, StoredValue> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.query("""
                        SELECT workspace_id, profile_id, trait_key, value::text AS value, state::text AS state
                        FROM computed_traits
                        WHERE (workspace_id, profile_id, trait_key) IN (SELECT * FROM unnest(?::text[], ?::text[], ?::text[]))""",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> found.put(
                        new ValueKey(rs.getString("workspace_id"), rs.getString("profile_id"), rs.getString("trait_key")),
                        new StoredValue(rs.getString("trait_key"), json.readTree(rs.getString("value")),
                                json.readTree(rs.getString("state")))),
                keys.stream().map(ValueKey::workspaceId).toArray(String[]::new),
                keys.stream().map(ValueKey::profileId).toArray(String[]::new),
                keys.stream().map(ValueKey::key).toArray(String[]::new));
        return found;
    }

    /** Stores {@code values} (at most one per key), in one statement. */
    void upsertAll(List<NewValue> values, Instant at) {
        if (values.isEmpty()) {
            return;
        }
        jdbc.update("""
                        INSERT INTO computed_traits (workspace_id, profile_id, trait_key, value, state, expires_at, updated_at)
                        SELECT w, p, k, v::jsonb, s::jsonb, x, ?::timestamptz
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                             AS r (w, p, k, v, s, x)
                        ORDER BY w, p, k
                        ON CONFLICT (workspace_id, profile_id, trait_key) DO UPDATE SET value = EXCLUDED.value,
                            state = EXCLUDED.state, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at""",
                at.toString(),
                values.stream().map(v -> v.key().workspaceId()).toArray(String[]::new),
                values.stream().map(v -> v.key().profileId()).toArray(String[]::new),
                values.stream().map(v -> v.key().key()).toArray(String[]::new),
                values.stream().map(v -> json.writeValueAsString(v.value())).toArray(String[]::new),
                values.stream().map(v -> json.writeValueAsString(v.state())).toArray(String[]::new),
                values.stream().map(v -> v.expiresAt() == null ? null : v.expiresAt().toString()).toArray(String[]::new));
    }

    /** Runs aggregate queries (possibly {@link AggregateQuery#union united}): the state per trait and profile. */
    Map<ValueKey, Computed> computeAll(AggregateQuery query) {
        Map<ValueKey, Computed> computed = new HashMap<>();
        named.query(query.sql, query.parameters, rs -> {
            computed.put(new ValueKey(rs.getString("workspace_id"), rs.getString("profile_id"),
                    rs.getString("trait_key")), new Computed(json.readTree(rs.getString("state")),
                    rs.getObject("oldest", OffsetDateTime.class).toInstant()));
        });
        return computed;
    }

    void upsert(String workspaceId, String profileId, String key, JsonNode value, JsonNode state, Instant expiresAt,
                Instant at) {
        jdbc.update("""
                INSERT INTO computed_traits (workspace_id, profile_id, trait_key, value, state, expires_at, updated_at)
                VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
                ON CONFLICT (workspace_id, profile_id, trait_key) DO UPDATE SET value = EXCLUDED.value,
                    state = EXCLUDED.state, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at""",
                workspaceId, profileId, key, json.writeValueAsString(value),
                json.writeValueAsString(state), utc(expiresAt), utc(at));
    }

    /** Deletes every value of one profile; returns the keys that had a (non-null) value. */
    List<String> deleteAll(String workspaceId, String profileId) {
        return jdbc.queryForList("""
                DELETE FROM computed_traits WHERE workspace_id = ? AND profile_id = ?
                RETURNING trait_key, value::text AS value""", workspaceId, profileId).stream()
                .filter(row -> !"null".equals(row.get("value")))
                .map(row -> (String) row.get("trait_key")).sorted().toList();
    }

    /** Up to {@code limit} profiles that hold a value (or a removal) of one trait. */
    List<String> holdersOf(String workspaceId, String key, int limit) {
        return jdbc.queryForList("""
                SELECT profile_id FROM computed_traits WHERE workspace_id = ? AND trait_key = ? LIMIT ?""",
                String.class, workspaceId, key, limit);
    }

    /** Deletes the values of one trait of {@code profileIds}; returns the profiles that had a (non-null) value. */
    List<String> deleteOf(String workspaceId, String key, List<String> profileIds) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                DELETE FROM computed_traits WHERE workspace_id = ? AND trait_key = ? AND profile_id = ANY(?::text[])
                RETURNING profile_id, value::text AS value""", workspaceId, key, profileIds.toArray(String[]::new));
        return rows.stream().filter(row -> !"null".equals(row.get("value")))
                .map(row -> (String) row.get("profile_id")).toList();
    }

    /** Runs an aggregate query: the state per profile that has counted events. */
    Map<String, Computed> compute(AggregateQuery query) {
        Map<String, Computed> computed = new HashMap<>();
        named.query(query.sql, query.parameters, rs -> {
            computed.put(rs.getString("profile_id"), new Computed(json.readTree(rs.getString("state")),
                    rs.getObject("oldest", OffsetDateTime.class).toInstant()));
        });
        return computed;
    }

    /** The non-null values of live traits of one profile, by key. */
    Map<String, JsonNode> valuesOf(String workspaceId, String profileId) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        jdbc.query("""
                SELECT v.trait_key, v.value::text AS value FROM computed_traits v
                JOIN computed_trait_definitions d ON d.workspace_id = v.workspace_id AND d.key = v.trait_key
                WHERE v.workspace_id = ? AND v.profile_id = ? AND d.status <> 'deleting' AND v.value <> 'null'::jsonb
                ORDER BY v.trait_key""", rs -> {
            values.put(rs.getString("trait_key"), json.readTree(rs.getString("value")));
        }, workspaceId, profileId);
        return values;
    }

    /** Profiles with a windowed value whose oldest event left its window at or before {@code now}. */
    List<Due> due(Instant now, int limit) {
        return jdbc.query("""
                SELECT DISTINCT workspace_id, profile_id FROM (
                    SELECT workspace_id, profile_id FROM computed_traits WHERE expires_at <= ? ORDER BY expires_at LIMIT ?) d""",
                (rs, row) -> new Due(rs.getString("workspace_id"), rs.getString("profile_id")), utc(now), limit);
    }

    /** The keys of one profile's values due for a recompute at {@code now}. */
    List<String> dueKeys(String workspaceId, String profileId, Instant now) {
        return jdbc.queryForList("""
                SELECT trait_key FROM computed_traits WHERE workspace_id = ? AND profile_id = ? AND expires_at <= ?
                ORDER BY trait_key""", String.class, workspaceId, profileId, utc(now));
    }

    void clearExpiry(String workspaceId, String profileId, String key) {
        jdbc.update("UPDATE computed_traits SET expires_at = NULL WHERE workspace_id = ? AND profile_id = ? AND trait_key = ?",
                workspaceId, profileId, key);
    }

    /** Removes what a previous trait with this key may have left behind. */
    void deleteKey(String workspaceId, String key) {
        jdbc.update("DELETE FROM computed_traits WHERE workspace_id = ? AND trait_key = ?", workspaceId, key);
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
