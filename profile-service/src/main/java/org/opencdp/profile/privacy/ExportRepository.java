package org.opencdp.profile.privacy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.opencdp.profile.privacy.PersonExport.Section;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads what profile holds on a person's profiles into a {@link PersonExport}, each list streamed
 * (a database cursor of {@value #FETCH_SIZE} rows, inside the consumer's transaction) and no longer
 * read once the export is full, so a person with millions of events costs the budget's worth of
 * rows, not all of them. Sealed to the command's workspace. Six statements.
 */
@Repository
class ExportRepository {

    private static final int FETCH_SIZE = 200;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    ExportRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The export of {@code profileIds}: at most {@code maxBytes} of JSON and {@code maxEvents} events, newest first. */
    ObjectNode export(String workspaceId, List<String> profileIds, int maxBytes, int maxEvents) {
        String[] ids = profileIds.toArray(String[]::new);
        PersonExport export = new PersonExport(json, maxBytes);
        stream(export, Section.PROFILES, """
                SELECT id, created_at, updated_at, merged_into FROM profiles
                WHERE workspace_id = ? AND id = ANY(?::text[]) AND erased_at IS NULL ORDER BY id""",
                rs -> json.createObjectNode().put("id", rs.getString(1)).put("createdAt", time(rs, 2))
                        .put("updatedAt", time(rs, 3)).put("mergedInto", rs.getString(4)),
                workspaceId, ids);
        stream(export, Section.IDENTIFIERS, """
                SELECT type, value, profile_id, first_seen_at FROM profile_identifiers
                WHERE workspace_id = ? AND profile_id = ANY(?::text[]) ORDER BY type, value""",
                rs -> json.createObjectNode().put("type", rs.getString(1)).put("value", rs.getString(2))
                        .put("profileId", rs.getString(3)).put("firstSeenAt", time(rs, 4)),
                workspaceId, ids);
        stream(export, Section.TRAITS, """
                SELECT profile_id, key, value::text, source_id, message_id, observed_at FROM traits
                WHERE workspace_id = ? AND profile_id = ANY(?::text[]) ORDER BY profile_id, key""",
                rs -> {
                    ObjectNode trait = json.createObjectNode().put("profileId", rs.getString(1)).put("key", rs.getString(2));
                    trait.set("value", json.readTree(rs.getString(3)));
                    return trait.put("sourceId", rs.getString(4)).put("messageId", rs.getString(5))
                            .put("observedAt", time(rs, 6));
                },
                workspaceId, ids);
        stream(export, Section.COMPUTED_TRAITS, """
                SELECT profile_id, trait_key, value::text, updated_at FROM computed_traits
                WHERE workspace_id = ? AND profile_id = ANY(?::text[]) AND value <> 'null'::jsonb
                ORDER BY profile_id, trait_key""",
                rs -> {
                    ObjectNode value = json.createObjectNode().put("profileId", rs.getString(1)).put("key", rs.getString(2));
                    value.set("value", json.readTree(rs.getString(3)));
                    return value.put("updatedAt", time(rs, 4));
                },
                workspaceId, ids);
        // per profile, its newest events by the index (events_profile_time), then merged: never all of them
        stream(export, Section.EVENTS, """
                SELECT e.profile_id, e.message_id, e.type, e.name, e.occurred_at, e.received_at, e.source_id,
                       e.payload::text
                FROM unnest(?::text[]) AS p (id) CROSS JOIN LATERAL (
                    SELECT * FROM events WHERE workspace_id = ? AND profile_id = p.id
                    ORDER BY occurred_at DESC, message_id DESC LIMIT ?) e
                ORDER BY e.occurred_at DESC, e.message_id DESC""",
                rs -> {
                    ObjectNode event = json.createObjectNode().put("profileId", rs.getString(1))
                            .put("messageId", rs.getString(2)).put("type", rs.getString(3)).put("name", rs.getString(4))
                            .put("occurredAt", time(rs, 5)).put("receivedAt", time(rs, 6))
                            .put("sourceId", rs.getString(7));
                    event.set("event", json.readTree(rs.getString(8)));
                    return event;
                },
                ids, workspaceId, maxEvents);
        return export.finish(totals(workspaceId, ids), maxEvents);
    }

    /** How many items of each section profile holds on the profiles. One statement. */
    private Map<Section, Long> totals(String workspaceId, String[] ids) {
        return jdbc.query("""
                        SELECT (SELECT count(*) FROM profiles
                                WHERE workspace_id = ? AND id = ANY(?::text[]) AND erased_at IS NULL),
                               (SELECT count(*) FROM profile_identifiers WHERE workspace_id = ? AND profile_id = ANY(?::text[])),
                               (SELECT count(*) FROM traits WHERE workspace_id = ? AND profile_id = ANY(?::text[])),
                               (SELECT count(*) FROM computed_traits
                                WHERE workspace_id = ? AND profile_id = ANY(?::text[]) AND value <> 'null'::jsonb),
                               (SELECT count(*) FROM events WHERE workspace_id = ? AND profile_id = ANY(?::text[]))""",
                (ResultSetExtractor<Map<Section, Long>>) rs -> {
                    rs.next();
                    Map<Section, Long> totals = new EnumMap<>(Section.class);
                    for (Section section : Section.values()) {
                        totals.put(section, rs.getLong(section.ordinal() + 1));
                    }
                    return totals;
                }, workspaceId, ids, workspaceId, ids, workspaceId, ids, workspaceId, ids, workspaceId, ids);
    }

    /** One row as an export item. */
    @FunctionalInterface
    private interface Item {
        ObjectNode of(ResultSet rs) throws SQLException;
    }

    /** Adds the query's rows to {@code section} in order until the export refuses one; reads no further. */
    private void stream(PersonExport export, Section section, String sql, Item item, Object... args) {
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            statement.setFetchSize(FETCH_SIZE);
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof String[] texts) {
                    statement.setArray(i + 1, connection.createArrayOf("text", texts));
                } else {
                    statement.setObject(i + 1, args[i]);
                }
            }
            return statement;
        }, (ResultSetExtractor<Void>) rs -> {
            while (rs.next() && export.add(section, item.of(rs))) {
                // the export takes rows until it is full
            }
            return null;
        });
    }

    private static String time(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant().toString();
    }
}
