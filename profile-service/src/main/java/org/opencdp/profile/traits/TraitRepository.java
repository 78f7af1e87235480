package org.opencdp.profile.traits;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.MessageCodec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code traits} table: the winning observation of each trait of each profile. */
@Repository
class TraitRepository {

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    TraitRepository(JdbcTemplate jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
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
                        MessageCodec.mapper().writeValueAsString(o.value()), o.sourceId(), o.messageId(),
                        OffsetDateTime.ofInstant(o.observedAt(), ZoneOffset.UTC)}).toList());
    }

    /** Deletes every trait of one profile. */
    void deleteAll(String workspaceId, String profileId) {
        jdbc.update("DELETE FROM traits WHERE workspace_id = ? AND profile_id = ?", workspaceId, profileId);
    }

    private static TraitObservation map(ResultSet rs) throws SQLException {
        return new TraitObservation(rs.getString("key"), MessageCodec.mapper().readTree(rs.getString("value")),
                rs.getObject("observed_at", OffsetDateTime.class).toInstant(), rs.getString("message_id"),
                rs.getString("source_id"));
    }
}
