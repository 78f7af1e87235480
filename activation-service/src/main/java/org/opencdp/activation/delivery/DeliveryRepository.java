package org.opencdp.activation.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code deliveries} table: the durable queue the dispatcher claims from, and the log the API
 * reads. Every statement but the cross-workspace claim is scoped to one workspace; the outcome of
 * a claimed delivery is recorded only by the holder of its lease.
 */
@Repository
class DeliveryRepository {

    private static final int MAX_ERROR_LENGTH = 1000;

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JsonMapper json;

    DeliveryRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.json = json;
    }

    /** Queues a delivery; returns false when this message was already queued for this destination. */
    boolean insert(String workspaceId, UUID destinationId, String profileId, DeliveryKind kind, JsonNode payload,
                   UUID sourceMessageId) {
        return jdbc.update("""
                        INSERT INTO deliveries (workspace_id, id, destination_id, profile_id, kind, payload, source_message_id)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)
                        ON CONFLICT (workspace_id, destination_id, source_message_id) DO NOTHING""",
                workspaceId, UUID.randomUUID(), destinationId, profileId, kind.name(), json.writeValueAsString(payload),
                sourceMessageId) == 1;
    }

    /**
     * Claims up to {@code limit} due deliveries of enabled destinations, oldest due first, in one
     * short statement: rows other dispatchers hold are skipped, and the claimed ones become due
     * again only when {@code lease} ran out (a dispatcher that died mid-send is thus replaced).
     */
    List<ClaimedDelivery> claimDue(int limit, Duration lease) {
        UUID token = UUID.randomUUID();
        return jdbc.query("""
                        WITH due AS (
                            SELECT d.workspace_id, d.id
                            FROM deliveries d
                            JOIN destinations dest ON dest.workspace_id = d.workspace_id AND dest.id = d.destination_id
                            WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND dest.enabled
                            ORDER BY d.next_attempt_at
                            LIMIT ?
                            FOR UPDATE OF d SKIP LOCKED)
                        UPDATE deliveries d
                        SET next_attempt_at = now() + ? * interval '1 millisecond', lease_token = ?
                        FROM due
                        WHERE d.workspace_id = due.workspace_id AND d.id = due.id
                        RETURNING d.workspace_id, d.id, d.destination_id, d.profile_id, d.kind, d.payload::text,
                                  d.attempts, d.waits""",
                (rs, i) -> new ClaimedDelivery(rs.getString(1), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getString(4), DeliveryKind.valueOf(rs.getString(5)), json.readTree(rs.getString(6)),
                        rs.getInt(7), rs.getInt(8), token),
                limit, lease.toMillis(), token);
    }

    boolean markDelivered(ClaimedDelivery delivery, String decisionId, int attempts) {
        return finish(delivery, "status = 'delivered', consent_decision_id = ?, attempts = ?, last_error = NULL",
                decisionId, attempts);
    }

    boolean markBlockedByConsent(ClaimedDelivery delivery, String decisionId) {
        return finish(delivery, "status = 'blocked_by_consent', consent_decision_id = ?, last_error = NULL", decisionId);
    }

    boolean markForRetry(ClaimedDelivery delivery, String decisionId, int attempts, Duration delay, String error) {
        return finish(delivery, """
                        consent_decision_id = ?, attempts = ?, next_attempt_at = now() + ? * interval '1 millisecond',
                        last_error = ?""",
                decisionId, attempts, delay.toMillis(), truncate(error));
    }

    boolean markDead(ClaimedDelivery delivery, String decisionId, int attempts, String error) {
        return finish(delivery, "status = 'dead', consent_decision_id = ?, attempts = ?, last_error = ?",
                decisionId, attempts, truncate(error));
    }

    /** Puts a delivery back without using an attempt: it could not be decided (or prepared) this round. */
    boolean postpone(ClaimedDelivery delivery, Duration delay, String error) {
        return finish(delivery, "waits = ?, next_attempt_at = now() + ? * interval '1 millisecond', last_error = ?",
                delivery.waits() + 1, delay.toMillis(), truncate(error));
    }

    /** One page of a destination's log, newest first; {@code limit + 1} rows to tell whether more follow. */
    List<DeliveryResponse> page(String workspaceId, UUID destinationId, DeliveryStatus status, DeliveryCursor after,
                                int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, profile_id, kind, status, consent_decision_id, attempts, last_error, created_at, updated_at
                FROM deliveries
                WHERE workspace_id = :workspace AND destination_id = :destination""");
        var params = new MapSqlParameterSource().addValue("workspace", workspaceId)
                .addValue("destination", destinationId).addValue("limit", limit + 1);
        if (status != null) {
            sql.append(" AND status = :status");
            params.addValue("status", status.name());
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (:afterCreatedAt, :afterId)");
            params.addValue("afterCreatedAt", OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC))
                    .addValue("afterId", after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        return named.query(sql.toString(), params, DeliveryRepository::response);
    }

    /** Sends dead letters of a destination (all, or those of {@code ids}) back to the queue with fresh attempts. */
    int replayDead(String workspaceId, UUID destinationId, List<UUID> ids) {
        String reset = """
                UPDATE deliveries
                SET status = 'pending', attempts = 0, waits = 0, next_attempt_at = now(), lease_token = NULL,
                    last_error = NULL, consent_decision_id = NULL, updated_at = now()
                WHERE workspace_id = ? AND destination_id = ? AND status = 'dead'""";
        if (ids == null) {
            return jdbc.update(reset, workspaceId, destinationId);
        }
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.update(reset + " AND id = ANY(?::uuid[])", workspaceId, destinationId,
                ids.stream().map(UUID::toString).toArray(String[]::new));
    }

    private boolean finish(ClaimedDelivery delivery, String assignments, Object... values) {
        Object[] params = new Object[values.length + 3];
        System.arraycopy(values, 0, params, 0, values.length);
        params[values.length] = delivery.workspaceId();
        params[values.length + 1] = delivery.id();
        params[values.length + 2] = delivery.leaseToken();
        return jdbc.update("UPDATE deliveries SET " + assignments + ", lease_token = NULL, updated_at = now() "
                + "WHERE workspace_id = ? AND id = ? AND lease_token = ?", params) == 1;
    }

    private static DeliveryResponse response(ResultSet rs, int row) throws SQLException {
        return new DeliveryResponse(rs.getObject("id", UUID.class), rs.getString("profile_id"), rs.getString("kind"),
                rs.getString("status"), rs.getString("consent_decision_id"), rs.getInt("attempts"),
                rs.getString("last_error"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }
}
