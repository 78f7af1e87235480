package org.opencdp.segmentation.profile;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.opencdp.contracts.MessageCodec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@code profile_traits} table: each profile's current traits and computed traits. */
@Repository
public class ProfileTraitsRepository {

    private static final int STREAM_FETCH_SIZE = 1000;

    private final JdbcTemplate jdbc;

    ProfileTraitsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Applies a change (a JSON-null value removes the key) and returns the profile's traits after it.
     * Takes the row lock, which serialises this profile's evaluation with a segment build's batch.
     */
    public Map<String, JsonNode> apply(String workspaceId, String profileId, Map<String, JsonNode> traits,
                                       Map<String, JsonNode> computedTraits, Instant at) {
        Change change = Change.of(traits);
        Change computed = Change.of(computedTraits);
        String merged = jdbc.queryForObject("""
                        INSERT INTO profile_traits AS p (workspace_id, profile_id, traits, computed_traits, updated_at)
                        VALUES (?, ?, ?::jsonb, ?::jsonb, ?)
                        ON CONFLICT (workspace_id, profile_id) DO UPDATE
                        SET traits = (p.traits || EXCLUDED.traits)
                                - ARRAY(SELECT jsonb_array_elements_text(?::jsonb)),
                            computed_traits = (p.computed_traits || EXCLUDED.computed_traits)
                                - ARRAY(SELECT jsonb_array_elements_text(?::jsonb)),
                            updated_at = GREATEST(p.updated_at, EXCLUDED.updated_at)
                        RETURNING traits::text""", String.class,
                workspaceId, profileId, change.set(), computed.set(), Timestamp.from(at),
                change.removed(), computed.removed());
        return toMap(merged);
    }

    /**
     * The next {@code limit} profiles after {@code afterProfileId} in id order, each row locked FOR
     * SHARE until the transaction ends: a concurrent change of one of them waits, then evaluates
     * against what this transaction wrote.
     */
    public List<ProfileTraits> lockBatch(String workspaceId, String afterProfileId, int limit) {
        return jdbc.query("""
                        SELECT profile_id, traits::text FROM profile_traits
                        WHERE workspace_id = ? AND profile_id > ?
                        ORDER BY profile_id LIMIT ? FOR SHARE""",
                ProfileTraitsRepository::row, workspaceId, afterProfileId, limit);
    }

    /** Streams every profile of the workspace in id order; must run inside a (read-only) transaction. */
    public void forEach(String workspaceId, Consumer<ProfileTraits> action) {
        jdbc.query(connection -> {
            var statement = connection.prepareStatement(
                    "SELECT profile_id, traits::text FROM profile_traits WHERE workspace_id = ? ORDER BY profile_id");
            statement.setFetchSize(STREAM_FETCH_SIZE);
            statement.setString(1, workspaceId);
            return statement;
        }, (ResultSet rs) -> action.accept(row(rs, 0)));
    }

    public boolean exists(String workspaceId, String profileId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM profile_traits WHERE workspace_id = ? AND profile_id = ?)",
                Boolean.class, workspaceId, profileId));
    }

    private static ProfileTraits row(ResultSet rs, int rowNum) throws SQLException {
        return new ProfileTraits(rs.getString(1), toMap(rs.getString(2)));
    }

    private static Map<String, JsonNode> toMap(String json) {
        JsonNode node = MessageCodec.mapper().readTree(json);
        Map<String, JsonNode> traits = new HashMap<>();
        if (node instanceof ObjectNode object) {
            object.forEachEntry(traits::put);
        }
        return traits;
    }

    /** A change as SQL parameters: the keys to set (JSON object) and the keys to remove (JSON array). */
    private record Change(String set, String removed) {

        static Change of(Map<String, JsonNode> values) {
            ObjectNode set = MessageCodec.mapper().createObjectNode();
            List<String> removed = new ArrayList<>();
            if (values != null) {
                values.forEach((name, value) -> {
                    if (value == null || value.isNull() || value.isMissingNode()) {
                        removed.add(name);
                    } else {
                        set.set(name, value);
                    }
                });
            }
            return new Change(MessageCodec.mapper().writeValueAsString(set),
                    MessageCodec.mapper().writeValueAsString(removed));
        }
    }
}
