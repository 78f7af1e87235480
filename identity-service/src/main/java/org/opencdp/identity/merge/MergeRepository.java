package org.opencdp.identity.merge;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.identity.graph.DroppedIdentifier;
import org.opencdp.identity.graph.PersonIdentifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The stored explanation of every merge. */
@Repository
public class MergeRepository {

    private static final TypeReference<List<Map<String, String>>> ROWS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    MergeRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores the merges in one round trip; inside the transaction of the merges themselves. */
    public void insertAll(List<MergeRecord> merges) {
        if (merges.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                        INSERT INTO merges (workspace_id, id, survivor_id, merged_ids, identifiers, dropped, event_id,
                                            message_id, source_id, rule, rules_version, merged_at)
                        VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)""",
                merges.stream().map(m -> new Object[] {m.workspaceId(), m.id(), m.survivorId(),
                        m.mergedIds().toArray(String[]::new), identifiers(m.identifiers()), dropped(m.dropped()),
                        m.eventId(), m.messageId(), m.sourceId(), m.rule(), m.rulesVersion(),
                        Timestamp.from(m.mergedAt())}).toList());
    }

    /** The merges whose survivor is one of {@code survivorIds}, oldest first. */
    List<MergeRecord> findBySurvivors(String workspaceId, Collection<String> survivorIds, int limit) {
        return jdbc.query("""
                        SELECT id, survivor_id, merged_ids, identifiers::text, dropped::text, event_id, message_id,
                               source_id, rule, rules_version, merged_at
                        FROM merges WHERE workspace_id = ? AND survivor_id = ANY (?)
                        ORDER BY merged_at, id LIMIT ?""",
                (rs, i) -> read(workspaceId, rs),
                workspaceId, survivorIds.toArray(String[]::new), limit);
    }

    /**
     * The first {@code limit} merges (oldest first) that involve one of {@code profileIds}, as survivor or as
     * merged-away profile, and how many there are in all.
     */
    public Involving involving(String workspaceId, Collection<String> profileIds, int limit) {
        long[] total = {0};
        List<MergeRecord> merges = jdbc.query("""
                        SELECT id, survivor_id, merged_ids, identifiers::text, dropped::text, event_id, message_id,
                               source_id, rule, rules_version, merged_at, count(*) OVER () AS total
                        FROM merges WHERE workspace_id = ? AND (survivor_id = ANY (?) OR merged_ids && ?::text[])
                        ORDER BY merged_at, id LIMIT ?""",
                (rs, i) -> {
                    total[0] = rs.getLong(12);
                    return read(workspaceId, rs);
                },
                workspaceId, profileIds.toArray(String[]::new), profileIds.toArray(String[]::new), limit);
        return new Involving(merges, total[0]);
    }

    /** Deletes every merge that involves one of {@code profileIds}; returns how many. */
    public int deleteInvolving(String workspaceId, Collection<String> profileIds) {
        return jdbc.update("""
                        DELETE FROM merges WHERE workspace_id = ? AND (survivor_id = ANY (?) OR merged_ids && ?::text[])""",
                workspaceId, profileIds.toArray(String[]::new), profileIds.toArray(String[]::new));
    }

    private MergeRecord read(String workspaceId, ResultSet rs) throws SQLException {
        return new MergeRecord(rs.getObject(1, UUID.class), workspaceId, rs.getString(2),
                Arrays.asList((String[]) rs.getArray(3).getArray()),
                json.readValue(rs.getString(4), ROWS).stream()
                        .map(row -> new PersonIdentifier(row.get("type"), row.get("value"))).toList(),
                json.readValue(rs.getString(5), ROWS).stream()
                        .map(row -> new DroppedIdentifier(new PersonIdentifier(row.get("type"),
                                row.get("value")), row.get("reason"))).toList(),
                rs.getObject(6, UUID.class), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getLong(10), rs.getObject(11, OffsetDateTime.class).toInstant());
    }

    /** Some merges and how many there are in all. */
    public record Involving(List<MergeRecord> merges, long total) {
    }

    private String identifiers(List<PersonIdentifier> identifiers) {
        return json.writeValueAsString(identifiers.stream()
                .map(id -> Map.of("type", id.type(), "value", id.value())).toList());
    }

    private String dropped(List<DroppedIdentifier> dropped) {
        return json.writeValueAsString(dropped.stream().map(d -> Map.of("type", d.identifier().type(),
                "value", d.identifier().value(), "reason", d.reason())).toList());
    }
}
