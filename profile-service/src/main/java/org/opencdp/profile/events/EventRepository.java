package org.opencdp.profile.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event store: {@code event_keys} de-duplicates by (workspace, messageId); {@code events}
 * (partitioned by event time) keeps each distinct event once.
 */
@Repository
class EventRepository {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    EventRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Claims messageIds in their workspaces, in one statement (in (workspace, messageId) order, so
     * concurrent chunks wait on each other in one order); returns those claimed now. One claimed
     * before (and still retained) is not; a concurrent claim of the same id waits for the first
     * one's transaction. The ids must be distinct.
     */
    Set<MessageKey> claimAll(List<StoredEvent> events) {
        Set<MessageKey> claimed = new HashSet<>();
        if (events.isEmpty()) {
            return claimed;
        }
        jdbc.query("""
                        INSERT INTO event_keys (workspace_id, message_id, occurred_at)
                        SELECT w, m, o FROM unnest(?::text[], ?::text[], ?::timestamptz[]) AS x (w, m, o)
                        ORDER BY w, m
                        ON CONFLICT (workspace_id, message_id) DO NOTHING
                        RETURNING workspace_id, message_id""",
                (RowCallbackHandler) rs -> claimed.add(new MessageKey(rs.getString(1), rs.getString(2))),
                events.stream().map(StoredEvent::workspaceId).toArray(String[]::new),
                events.stream().map(StoredEvent::messageId).toArray(String[]::new),
                events.stream().map(e -> e.occurredAt().toString()).toArray(String[]::new));
        return claimed;
    }

    /** Gives up the messageIds of {@code events} claimed by this transaction (events that will not be stored). One statement. */
    void releaseAll(List<StoredEvent> events) {
        jdbc.update("""
                        DELETE FROM event_keys WHERE (workspace_id, message_id) IN (
                            SELECT * FROM unnest(?::text[], ?::text[]))""",
                events.stream().map(StoredEvent::workspaceId).toArray(String[]::new),
                events.stream().map(StoredEvent::messageId).toArray(String[]::new));
    }

    /** A messageId in its workspace: what events are de-duplicated by. */
    record MessageKey(String workspaceId, String messageId) {

        static MessageKey of(StoredEvent event) {
            return new MessageKey(event.workspaceId(), event.messageId());
        }
    }

    /**
     * Stores events whose messageIds this transaction claimed, with their payloads as JSON, in one
     * statement. Rows land in the monthly partition of their event time, or in the default partition
     * when that month has none (the maintenance job creates partitions ahead and moves rows out of
     * the default one, see {@code PartitionMaintenance}), so an insert never waits for DDL.
     */
    void insertAll(List<StoredEvent> events, List<String> payloads) {
        if (events.isEmpty()) {
            return;
        }
        jdbc.update("""
                        INSERT INTO events (workspace_id, message_id, profile_id, type, name, occurred_at, received_at,
                                            source_id, payload)
                        SELECT w, m, p, t, n, o, r, s, j::jsonb
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[],
                                    ?::timestamptz[], ?::text[], ?::text[]) AS x (w, m, p, t, n, o, r, s, j)""",
                events.stream().map(StoredEvent::workspaceId).toArray(String[]::new),
                events.stream().map(StoredEvent::messageId).toArray(String[]::new),
                events.stream().map(StoredEvent::profileId).toArray(String[]::new),
                events.stream().map(StoredEvent::type).toArray(String[]::new),
                events.stream().map(StoredEvent::name).toArray(String[]::new),
                events.stream().map(e -> e.occurredAt().toString()).toArray(String[]::new),
                events.stream().map(e -> e.receivedAt().toString()).toArray(String[]::new),
                events.stream().map(StoredEvent::sourceId).toArray(String[]::new),
                payloads.toArray(String[]::new));
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

    private StoredEvent map(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getString("workspace_id"), rs.getString("message_id"), rs.getString("profile_id"),
                rs.getString("type"), rs.getString("name"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getString("source_id"),
                (ObjectNode) json.readTree(rs.getString("payload")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
