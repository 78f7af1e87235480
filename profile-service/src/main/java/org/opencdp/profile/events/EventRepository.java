package org.opencdp.profile.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.opencdp.contracts.MessageCodec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event store: {@code event_keys} de-duplicates by (workspace, messageId); {@code events}
 * (partitioned by event time) keeps each distinct event once.
 */
@Repository
class EventRepository {

    private final JdbcTemplate jdbc;

    EventRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the event unless its messageId was already stored in its workspace; says whether it did. */
    boolean insertIfNew(StoredEvent event) {
        OffsetDateTime occurredAt = utc(event.occurredAt());
        int claimed = jdbc.update("""
                INSERT INTO event_keys (workspace_id, message_id, occurred_at) VALUES (?, ?, ?)
                ON CONFLICT (workspace_id, message_id) DO NOTHING""",
                event.workspaceId(), event.messageId(), occurredAt);
        if (claimed == 0) {
            return false;
        }
        jdbc.update("""
                INSERT INTO events (workspace_id, message_id, profile_id, type, name, occurred_at, received_at,
                                    source_id, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""",
                event.workspaceId(), event.messageId(), event.profileId(), event.type(), event.name(), occurredAt,
                utc(event.receivedAt()), event.sourceId(), MessageCodec.mapper().writeValueAsString(event.payload()));
        return true;
    }

    /** Up to {@code limit} events of a profile, newest first, strictly after {@code after} when given. */
    List<StoredEvent> page(String workspaceId, String profileId, Optional<EventPosition> after, int limit) {
        String select = """
                SELECT workspace_id, message_id, profile_id, type, name, occurred_at, received_at, source_id, payload
                FROM events WHERE workspace_id = ? AND profile_id = ?""";
        String order = " ORDER BY occurred_at DESC, message_id DESC LIMIT ?";
        if (after.isEmpty()) {
            return jdbc.query(select + order, (rs, row) -> map(rs), workspaceId, profileId, limit);
        }
        return jdbc.query(select + " AND (occurred_at, message_id) < (?::timestamptz, ?::text)" + order,
                (rs, row) -> map(rs), workspaceId, profileId, utc(after.get().occurredAt()),
                after.get().messageId(), limit);
    }

    private static StoredEvent map(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getString("workspace_id"), rs.getString("message_id"), rs.getString("profile_id"),
                rs.getString("type"), rs.getString("name"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getString("source_id"),
                (ObjectNode) MessageCodec.mapper().readTree(rs.getString("payload")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
