package org.opencdp.profile.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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

    /**
     * Claims a messageId in its workspace; false when it was already claimed (and is still retained).
     * A concurrent claim of the same id waits for the first one's transaction.
     */
    boolean claim(String workspaceId, String messageId, Instant occurredAt) {
        return jdbc.update("""
                INSERT INTO event_keys (workspace_id, message_id, occurred_at) VALUES (?, ?, ?)
                ON CONFLICT (workspace_id, message_id) DO NOTHING""", workspaceId, messageId, utc(occurredAt)) == 1;
    }

    /** Stores an event whose messageId this transaction claimed. */
    void insert(StoredEvent event) {
        jdbc.update("""
                INSERT INTO events (workspace_id, message_id, profile_id, type, name, occurred_at, received_at,
                                    source_id, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""",
                event.workspaceId(), event.messageId(), event.profileId(), event.type(), event.name(),
                utc(event.occurredAt()), utc(event.receivedAt()), event.sourceId(),
                MessageCodec.mapper().writeValueAsString(event.payload()));
    }

    /** Moves every event of {@code fromProfileId} to {@code toProfileId}; returns how many. */
    int reassign(String workspaceId, String fromProfileId, String toProfileId) {
        return jdbc.update("UPDATE events SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?",
                toProfileId, workspaceId, fromProfileId);
    }

    /**
     * Up to {@code limit} events of a profile that pass {@code filter}, newest first, strictly after
     * {@code after} when given.
     */
    List<StoredEvent> page(String workspaceId, String profileId, EventFilter filter, Optional<EventPosition> after,
                           int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT workspace_id, message_id, profile_id, type, name, occurred_at, received_at, source_id, payload
                FROM events WHERE workspace_id = ? AND profile_id = ?""");
        List<Object> args = new ArrayList<>(List.of(workspaceId, profileId));
        if (filter.name() != null) {
            sql.append(" AND name = ?");
            args.add(filter.name());
        }
        if (filter.from() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(utc(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(utc(filter.to()));
        }
        if (after.isPresent()) {
            sql.append(" AND (occurred_at, message_id) < (?::timestamptz, ?::text)");
            args.add(utc(after.get().occurredAt()));
            args.add(after.get().messageId());
        }
        sql.append(" ORDER BY occurred_at DESC, message_id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, row) -> map(rs), args.toArray());
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
