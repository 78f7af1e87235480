package org.opencdp.activation.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.kit.tracing.TraceContexts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
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

    private final TraceContexts traces;

    DeliveryRepository(JdbcTemplate jdbc, JsonMapper json, TraceContexts traces) {
        this.jdbc = jdbc;
        this.traces = traces;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.json = json;
    }

    /**
     * Queues deliveries in one statement and returns how many are new: a delivery whose id is
     * already queued (the same event or change for the same destination) is left as it is. Rows are
     * written in (workspace, id) order, so concurrent chunks never wait on each other in a cycle.
     * They are queued at the transaction's time plus a microsecond per {@code position}, so the log
     * and the dispatch order follow the order the messages were consumed in. Each keeps the current
     * trace context (the consumer batch's span), which its send continues. A delivery queued behind
     * one of its destination and profile that waits (for a retry, say) is due no earlier than that
     * one: it would be held back until then anyway ({@link #claimDue}), and claims need not skip it.
     * That look-up is one probe of {@code deliveries_held_back_by_profile} (V9), however long a down
     * destination's backlog grows.
     */
    int insertAll(List<QueuedDelivery> queued) {
        int size = queued.size();
        String[] workspaces = new String[size];
        UUID[] ids = new UUID[size];
        UUID[] destinations = new UUID[size];
        String[] profiles = new String[size];
        String[] kinds = new String[size];
        String[] payloads = new String[size];
        UUID[] sources = new UUID[size];
        Integer[] positions = new Integer[size];
        for (int i = 0; i < size; i++) {
            QueuedDelivery delivery = queued.get(i);
            workspaces[i] = delivery.workspaceId();
            ids[i] = delivery.id();
            destinations[i] = delivery.destinationId();
            profiles[i] = delivery.profileId();
            kinds[i] = delivery.kind().name();
            payloads[i] = delivery.payload();
            sources[i] = delivery.sourceMessageId();
            positions[i] = delivery.position();
        }
        return jdbc.update("""
                        INSERT INTO deliveries (workspace_id, id, destination_id, profile_id, kind, payload,
                                                source_message_id, next_attempt_at, created_at, updated_at, traceparent)
                        SELECT w, i, d, p, k, pl::jsonb, m,
                               GREATEST(queued_at, (SELECT max(f.next_attempt_at) FROM deliveries f
                                                    WHERE f.workspace_id = w AND f.destination_id = d
                                                      AND f.profile_id = p AND f.status = 'pending'
                                                      AND f.lease_token IS NULL)),
                               queued_at, queued_at, ?
                        FROM (SELECT *, now() + o * interval '1 microsecond' AS queued_at
                              FROM unnest(?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::uuid[],
                                          ?::int[]) AS x (w, i, d, p, k, pl, m, o)) rows
                        ORDER BY w, i
                        ON CONFLICT DO NOTHING""",
                traces.current(), workspaces, ids, destinations, profiles, kinds, payloads, sources, positions);
    }

    /**
     * How long the oldest pending delivery of each destination type has waited since it was queued, in
     * seconds; types without pending deliveries are absent. One index probe per destination ({@code
     * deliveries_log_by_status}), however long the queue.
     */
    Map<String, Double> oldestPendingAgeByType() {
        Map<String, Double> ages = new HashMap<>();
        jdbc.query("""
                        SELECT dest.type, EXTRACT(EPOCH FROM now() - min(oldest.created_at))
                        FROM destinations dest
                        CROSS JOIN LATERAL (
                            SELECT d.created_at
                            FROM deliveries d
                            WHERE d.workspace_id = dest.workspace_id AND d.destination_id = dest.id
                              AND d.status = 'pending'
                            ORDER BY d.created_at
                            LIMIT 1) oldest
                        GROUP BY dest.type""",
                (ResultSet rs) -> {
                    ages.put(rs.getString(1), Math.max(0, rs.getDouble(2)));
                });
        return ages;
    }

    /**
     * Claims due deliveries per destination (issue 13, isolation), in one short statement: of up to
     * {@code destinations} enabled destinations with due deliveries, those whose oldest due delivery
     * waits longest, up to {@code perDestination} deliveries each, oldest due first. Destinations in
     * {@code busy} (their worker in this instance is still sending) are left out, so a slow one never
     * takes a round from the others, and no destination's backlog fills another's share. Rows other
     * dispatchers hold are skipped, and the claimed ones become due again only when {@code lease} ran
     * out (a dispatcher that died mid-send is thus replaced).
     *
     * <p>Per destination, a profile's deliveries leave one at a time, in the order they were queued
     * (issue 15): only the oldest pending delivery of a destination and profile is claimed, and none
     * while another of them is held by a round. So a receiver sees one profile's changes in order,
     * never two at once, and a failed delivery waiting for its retry holds back the later ones of its
     * profile to that destination until it is delivered or dead-lettered. Different profiles still go
     * out together; a profile with many deliveries queued for one destination sends one per round.
     * Two rounds thus never sync one profile at once either ({@link AudienceSync}).
     */
    List<ClaimedDelivery> claimDue(int perDestination, int destinations, Duration lease, Set<DestinationRef> busy) {
        UUID token = UUID.randomUUID();
        String[] busyWorkspaces = busy.stream().map(DestinationRef::workspaceId).toArray(String[]::new);
        UUID[] busyIds = busy.stream().map(DestinationRef::id).toArray(UUID[]::new);
        return jdbc.query("""
                        WITH ready AS (
                            SELECT dest.workspace_id, dest.id
                            FROM destinations dest
                            CROSS JOIN LATERAL (
                                SELECT d.next_attempt_at
                                FROM deliveries d
                                WHERE d.workspace_id = dest.workspace_id AND d.destination_id = dest.id
                                  AND d.status = 'pending' AND d.next_attempt_at <= now()
                                ORDER BY d.next_attempt_at
                                LIMIT 1) oldest
                            WHERE dest.enabled
                              AND NOT EXISTS (SELECT 1 FROM unnest(?::text[], ?::uuid[]) AS busy (workspace_id, id)
                                              WHERE busy.workspace_id = dest.workspace_id AND busy.id = dest.id)
                            ORDER BY oldest.next_attempt_at
                            LIMIT ?),
                        due AS (
                            SELECT picked.workspace_id, picked.id
                            FROM ready
                            CROSS JOIN LATERAL (
                                SELECT d.workspace_id, d.id
                                FROM deliveries d
                                WHERE d.workspace_id = ready.workspace_id AND d.destination_id = ready.id
                                  AND d.status = 'pending' AND d.next_attempt_at <= now()
                                  AND NOT EXISTS (
                                      SELECT 1 FROM deliveries f
                                      WHERE f.workspace_id = d.workspace_id AND f.destination_id = d.destination_id
                                        AND f.profile_id = d.profile_id AND f.status = 'pending' AND f.id <> d.id
                                        AND ((f.created_at, f.id) < (d.created_at, d.id)
                                             OR (f.lease_token IS NOT NULL AND f.next_attempt_at > now())))
                                ORDER BY d.next_attempt_at
                                LIMIT ?
                                FOR UPDATE OF d SKIP LOCKED) picked)
                        UPDATE deliveries d
                        SET next_attempt_at = now() + ? * interval '1 millisecond', lease_token = ?
                        FROM due
                        WHERE d.workspace_id = due.workspace_id AND d.id = due.id
                        RETURNING d.workspace_id, d.id, d.destination_id, d.profile_id, d.kind, d.payload::text,
                                  d.attempts, d.waits, d.first_failed_at, d.created_at,
                                  (SELECT dest.type FROM destinations dest
                                   WHERE dest.workspace_id = d.workspace_id AND dest.id = d.destination_id),
                                  d.traceparent""",
                (rs, i) -> new ClaimedDelivery(rs.getString(1), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getString(4), DeliveryKind.valueOf(rs.getString(5)), json.readTree(rs.getString(6)),
                        rs.getInt(7), rs.getInt(8), instant(rs.getObject(9, OffsetDateTime.class)),
                        instant(rs.getObject(10, OffsetDateTime.class)), token, rs.getString(11),
                        rs.getString(12)),
                busyWorkspaces, busyIds, destinations, perDestination, lease.toMillis(), token);
    }

    /**
     * Records the outcomes of a dispatch round in one statement, each only where its lease still
     * holds, and returns the ids recorded. A delivery missing from the answer had its lease run out
     * (another round has it now) or was deleted with its destination.
     *
     * <p>A destination gets one profile's deliveries one at a time, in queued order ({@link #claimDue}),
     * so the later pending ones of a delivery's destination and profile wait for it. Two updates keep
     * them out of the claims' way meanwhile (issue 15; a destination down for 30 minutes queues hundreds
     * per profile):
     * <ul>
     *   <li>held back: a delivery that stays pending (a retry, a postponement) makes each later one due
     *       no earlier than its own next attempt plus the time queued between them. Claims walk due
     *       deliveries in due order; held back to the very same instant, a profile's whole queue would be
     *       due with its first one, and every claim would walk past it, to find one delivery per
     *       profile it may take (1.4 s per claim at 150,000 pending, 75 deliveries a second);</li>
     *   <li>released: a delivery that is done (delivered, dead, blocked, ...) makes the next one of its
     *       destination and profile due at once, so a queue drains as fast as its destination takes
     *       it, never at the pace it was queued.</li>
     * </ul>
     * None waits for a release that did not see it: one queued while its predecessor was out (leased,
     * which holds nothing back at queuing, {@link #insertAll}) with nothing else pending before it was
     * queued due at once.
     */
    Set<UUID> record(List<DeliveryOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Set.of();
        }
        List<DeliveryOutcome> sorted = outcomes.stream().sorted(Comparator
                .comparing((DeliveryOutcome o) -> o.delivery().workspaceId())
                .thenComparing(o -> o.delivery().id())).toList();
        int size = sorted.size();
        String[] workspaces = new String[size];
        UUID[] ids = new UUID[size];
        UUID[] leases = new UUID[size];
        String[] statuses = new String[size];
        Boolean[] keepDecisions = new Boolean[size];
        String[] decisions = new String[size];
        Integer[] attempts = new Integer[size];
        Integer[] waits = new Integer[size];
        Long[] delays = new Long[size];
        String[] errors = new String[size];
        String[] firstFailures = new String[size];
        for (int i = 0; i < size; i++) {
            DeliveryOutcome outcome = sorted.get(i);
            workspaces[i] = outcome.delivery().workspaceId();
            ids[i] = outcome.delivery().id();
            leases[i] = outcome.delivery().leaseToken();
            statuses[i] = outcome.status().name();
            keepDecisions[i] = outcome.keepsDecision();
            decisions[i] = outcome.decisionId();
            attempts[i] = outcome.attempts();
            waits[i] = outcome.waits();
            delays[i] = outcome.delay() == null ? null : outcome.delay().toMillis();
            errors[i] = truncate(outcome.error());
            firstFailures[i] = outcome.firstFailedAt() == null ? null : outcome.firstFailedAt().toString();
        }
        return new HashSet<>(jdbc.query("""
                        WITH recorded AS (
                        UPDATE deliveries d
                        SET status = o.status,
                            consent_decision_id = CASE WHEN o.keeps_decision THEN d.consent_decision_id
                                                       ELSE o.decision_id END,
                            attempts = o.attempts,
                            waits = o.waits,
                            next_attempt_at = CASE WHEN o.delay_ms IS NULL THEN d.next_attempt_at
                                                   ELSE now() + o.delay_ms * interval '1 millisecond' END,
                            last_error = o.error,
                            first_failed_at = o.first_failed_at,
                            lease_token = NULL,
                            updated_at = now()
                        FROM unnest(?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::boolean[], ?::text[], ?::int[],
                                    ?::int[], ?::bigint[], ?::text[], ?::text[]::timestamptz[])
                             AS o (workspace_id, id, lease_token, status, keeps_decision, decision_id, attempts, waits,
                                   delay_ms, error, first_failed_at)
                        WHERE d.workspace_id = o.workspace_id AND d.id = o.id AND d.lease_token = o.lease_token
                        RETURNING d.workspace_id, d.destination_id, d.profile_id, d.id, d.created_at, d.status,
                                  d.next_attempt_at),
                        held_back AS (
                            UPDATE deliveries f
                            SET next_attempt_at = r.next_attempt_at + (f.created_at - r.created_at)
                            FROM recorded r
                            WHERE r.status = 'pending' AND f.workspace_id = r.workspace_id
                              AND f.destination_id = r.destination_id AND f.profile_id = r.profile_id
                              AND f.status = 'pending' AND f.lease_token IS NULL
                              AND (f.created_at, f.id) > (r.created_at, r.id)
                              AND f.next_attempt_at < r.next_attempt_at + (f.created_at - r.created_at)),
                        released AS (
                            UPDATE deliveries f
                            SET next_attempt_at = now()
                            FROM recorded r
                            CROSS JOIN LATERAL (
                                SELECT n.id FROM deliveries n
                                WHERE n.workspace_id = r.workspace_id AND n.destination_id = r.destination_id
                                  AND n.profile_id = r.profile_id AND n.status = 'pending'
                                  AND (n.created_at, n.id) > (r.created_at, r.id)
                                ORDER BY n.created_at, n.id
                                LIMIT 1) next
                            WHERE r.status <> 'pending' AND f.workspace_id = r.workspace_id AND f.id = next.id
                              AND f.lease_token IS NULL AND f.next_attempt_at > now())
                        SELECT id FROM recorded""",
                (rs, i) -> rs.getObject(1, UUID.class),
                workspaces, ids, leases, statuses, keepDecisions, decisions, attempts, waits, delays, errors,
                firstFailures));
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
                    last_error = NULL, consent_decision_id = NULL, first_failed_at = NULL,
                    updated_at = now()
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

    private static DeliveryResponse response(ResultSet rs, int row) throws SQLException {
        return new DeliveryResponse(rs.getObject("id", UUID.class), rs.getString("profile_id"), rs.getString("kind"),
                rs.getString("status"), rs.getString("consent_decision_id"), rs.getInt("attempts"),
                rs.getString("last_error"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static java.time.Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }
}
