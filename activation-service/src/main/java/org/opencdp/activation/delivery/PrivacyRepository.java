package org.opencdp.activation.delivery;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * What privacy commands (issue 12) do to activation's tables. Every statement is sealed to the
 * command's workspace.
 */
@Repository
class PrivacyRepository {

    /** The most deliveries an export lists, newest first. */
    static final int EXPORT_LIMIT = 1000;
    private static final long TOMBSTONE = Long.MAX_VALUE;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    PrivacyRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The profiles named and every profile merged into one of them. */
    List<String> withMergedAway(String workspaceId, List<String> profileIds) {
        return jdbc.queryForList("""
                        SELECT p FROM unnest(?::text[]) AS p
                        UNION
                        SELECT merged_id FROM profile_redirects WHERE workspace_id = ? AND survivor_id = ANY(?::text[])
                        ORDER BY 1""", String.class,
                profileIds.toArray(String[]::new), workspaceId, profileIds.toArray(String[]::new));
    }

    /** Where an erase request stands. */
    enum ErasureState {
        started, under_way, completed
    }

    /** Starts this erase request unless it was seen before, and says where it stands. */
    ErasureState startErasure(String workspaceId, UUID requestId, List<String> profileIds) {
        if (jdbc.update("""
                INSERT INTO privacy_erasures (workspace_id, request_id, profile_ids) VALUES (?, ?, ?::text[])
                ON CONFLICT DO NOTHING""", workspaceId, requestId, profileIds.toArray(String[]::new)) == 1) {
            return ErasureState.started;
        }
        Boolean completed = jdbc.queryForObject("""
                SELECT completed_at IS NOT NULL FROM privacy_erasures WHERE workspace_id = ? AND request_id = ?""",
                Boolean.class, workspaceId, requestId);
        return Boolean.TRUE.equals(completed) ? ErasureState.completed : ErasureState.under_way;
    }

    /**
     * Forgets the profiles' memberships: every desired membership becomes "not a member" at a
     * version no later message can beat, so a late entry never adds an erased person again.
     */
    void forgetMemberships(String workspaceId, List<String> profileIds) {
        jdbc.update("""
                UPDATE audience_desired SET member = false, version = ?, updated_at = now()
                WHERE workspace_id = ? AND profile_id = ANY(?::text[])""",
                TOMBSTONE, workspaceId, profileIds.toArray(String[]::new));
    }

    /** The audience destinations that may hold one of the profiles: (destination id, profile id) pairs. */
    List<AudienceRepository.Key> mayHold(String workspaceId, List<String> profileIds) {
        return jdbc.query("""
                        SELECT DISTINCT workspace_id, destination_id, profile_id FROM (
                            SELECT workspace_id, destination_id, profile_id FROM audience_desired
                            WHERE workspace_id = ? AND profile_id = ANY(?::text[])
                            UNION
                            SELECT workspace_id, destination_id, profile_id FROM audience_confirmed
                            WHERE workspace_id = ? AND profile_id = ANY(?::text[]) AND member IS DISTINCT FROM false) k
                        ORDER BY 1, 2, 3""",
                (rs, i) -> new AudienceRepository.Key(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)),
                workspaceId, profileIds.toArray(String[]::new), workspaceId, profileIds.toArray(String[]::new));
    }

    /**
     * Drops the profiles' queued events (never sent now) and empties the payloads of their other
     * deliveries, keeping the log's rows (status, times, decision ids) without personal data.
     */
    int erasePayloads(String workspaceId, List<String> profileIds) {
        String[] ids = profileIds.toArray(String[]::new);
        int dropped = jdbc.update("""
                DELETE FROM deliveries WHERE workspace_id = ? AND profile_id = ANY(?::text[])
                  AND status = 'pending' AND kind = 'event'""", workspaceId, ids);
        jdbc.update("""
                UPDATE deliveries SET payload = '{}'::jsonb, last_error = NULL, updated_at = now()
                WHERE workspace_id = ? AND profile_id = ANY(?::text[]) AND payload <> '{}'::jsonb""", workspaceId, ids);
        return dropped;
    }

    /** An erase under way: its request and profiles. */
    record Erasure(String workspaceId, UUID requestId, List<String> profileIds) {
    }

    /**
     * Erasures whose removals all settled (none pending at an enabled destination), locked for this
     * transaction (others skip them), at most {@code limit}.
     */
    List<Erasure> settledErasures(int limit) {
        return jdbc.query("""
                        SELECT e.workspace_id, e.request_id, e.profile_ids FROM privacy_erasures e
                        WHERE e.completed_at IS NULL AND NOT EXISTS (
                            SELECT 1 FROM deliveries d JOIN destinations dest
                              ON dest.workspace_id = d.workspace_id AND dest.id = d.destination_id AND dest.enabled
                            WHERE d.workspace_id = e.workspace_id AND d.profile_id = ANY(e.profile_ids)
                              AND d.kind <> 'event' AND d.status = 'pending')
                        ORDER BY e.created_at LIMIT ? FOR UPDATE OF e SKIP LOCKED""",
                (rs, i) -> new Erasure(rs.getString(1), rs.getObject(2, UUID.class),
                        List.of((String[]) rs.getArray(3).getArray())), limit);
    }

    /** How the erasure's removals ended: delivered and dead counts. */
    int[] removalOutcomes(Erasure erasure) {
        return jdbc.query("""
                        SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status <> 'delivered')
                        FROM deliveries WHERE workspace_id = ? AND profile_id = ANY(?::text[])
                          AND payload ->> 'privacyRequestId' = ?""",
                rs -> {
                    rs.next();
                    return new int[] {rs.getInt(1), rs.getInt(2)};
                }, erasure.workspaceId(), erasure.profileIds().toArray(String[]::new), erasure.requestId().toString());
    }

    /**
     * Deletes the profiles' identifiers and redirects, empties their delivery payloads, records them
     * as held nowhere, and marks the erasure complete.
     */
    void finish(Erasure erasure) {
        String[] ids = erasure.profileIds().toArray(String[]::new);
        jdbc.update("DELETE FROM profile_identifiers WHERE workspace_id = ? AND profile_id = ANY(?::text[])",
                erasure.workspaceId(), ids);
        jdbc.update("""
                DELETE FROM profile_redirects WHERE workspace_id = ?
                  AND (merged_id = ANY(?::text[]) OR survivor_id = ANY(?::text[]))""", erasure.workspaceId(), ids, ids);
        // nothing can be sent for them any more (no identifiers): later syncs must find nothing to do
        jdbc.update("""
                UPDATE audience_confirmed SET member = false, confirmed_at = now()
                WHERE workspace_id = ? AND profile_id = ANY(?::text[])""", erasure.workspaceId(), ids);
        jdbc.update("""
                UPDATE deliveries SET payload = '{}'::jsonb, last_error = NULL, updated_at = now()
                WHERE workspace_id = ? AND profile_id = ANY(?::text[]) AND payload <> '{}'::jsonb
                  AND payload ->> 'privacyRequestId' IS NULL""",
                erasure.workspaceId(), ids);
        jdbc.update("UPDATE privacy_erasures SET completed_at = now() WHERE workspace_id = ? AND request_id = ?",
                erasure.workspaceId(), erasure.requestId());
    }

    /** The profiles' deliveries for an export, newest first, at most {@link #EXPORT_LIMIT}. */
    ArrayNode exportDeliveries(String workspaceId, List<String> profileIds) {
        ArrayNode deliveries = json.createArrayNode();
        jdbc.query("""
                        SELECT id, destination_id, profile_id, kind, status, consent_decision_id, payload::text, created_at
                        FROM deliveries WHERE workspace_id = ? AND profile_id = ANY(?::text[])
                        ORDER BY created_at DESC, id DESC LIMIT ?""",
                rs -> {
                    JsonNode payload = json.readTree(rs.getString(7));
                    deliveries.addObject().put("id", rs.getString(1)).put("destinationId", rs.getString(2))
                            .put("profileId", rs.getString(3)).put("kind", rs.getString(4))
                            .put("status", rs.getString(5)).put("consentDecisionId", rs.getString(6))
                            .put("createdAt", rs.getObject(8, OffsetDateTime.class).toInstant().toString())
                            .set("payload", payload);
                },
                workspaceId, profileIds.toArray(String[]::new), EXPORT_LIMIT);
        return deliveries;
    }

    /** The profiles' desired memberships, for an export. */
    ArrayNode exportMemberships(String workspaceId, List<String> profileIds) {
        ArrayNode memberships = json.createArrayNode();
        jdbc.query("""
                        SELECT destination_id, profile_id, segment_id, member FROM audience_desired
                        WHERE workspace_id = ? AND profile_id = ANY(?::text[]) ORDER BY 1, 2, 3""",
                rs -> {
                    memberships.addObject().put("destinationId", rs.getString(1)).put("profileId", rs.getString(2))
                            .put("segmentId", rs.getString(3)).put("member", rs.getBoolean(4));
                },
                workspaceId, profileIds.toArray(String[]::new));
        return memberships;
    }
}
