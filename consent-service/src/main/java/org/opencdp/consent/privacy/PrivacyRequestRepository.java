package org.opencdp.consent.privacy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Repository
class PrivacyRequestRepository {

    /** A request as stored. */
    record StoredRequest(UUID id, PrivacyRequestType type, PrivacyStatus status, String profileId,
                         Identifier identifier, List<String> profileIds, List<Identifier> identifiers,
                         Instant createdAt, Instant completedAt) {
    }

    /** One service's part in a request, as stored. */
    record StoredService(String service, PrivacyStatus status, String detail, JsonNode export,
                         Instant acknowledgedAt) {
    }

    private static final TypeReference<List<Identifier>> IDENTIFIERS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    PrivacyRequestRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts the request unless the same one is open; {@code true} when inserted. */
    boolean insertIfNoneOpen(String workspaceId, UUID id, PrivacyRequestType type, String dedupeKey,
                             String profileId, Identifier identifier, List<String> profileIds,
                             List<Identifier> identifiers, String requestedBy) {
        return jdbc.update("""
                        INSERT INTO privacy_requests (workspace_id, id, type, dedupe_key, profile_id, identifier,
                                                      profile_ids, identifiers, status, requested_by)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, 'pending', ?)
                        ON CONFLICT (workspace_id, type, dedupe_key) WHERE status IN ('pending', 'in_progress')
                        DO NOTHING""",
                workspaceId, id, type.name(), dedupeKey, profileId,
                identifier == null ? null : json.writeValueAsString(identifier), profileIds.toArray(String[]::new),
                json.writeValueAsString(identifiers), requestedBy) == 1;
    }

    Optional<UUID> findOpen(String workspaceId, PrivacyRequestType type, String dedupeKey) {
        return jdbc.queryForList("""
                        SELECT id FROM privacy_requests
                        WHERE workspace_id = ? AND type = ? AND dedupe_key = ? AND status IN ('pending', 'in_progress')""",
                UUID.class, workspaceId, type.name(), dedupeKey).stream().findFirst();
    }

    void insertServices(String workspaceId, UUID requestId, List<String> services) {
        jdbc.update("""
                        INSERT INTO privacy_request_services (workspace_id, request_id, service, status)
                        SELECT ?, ?, s, 'pending' FROM unnest(?::text[]) AS s""",
                workspaceId, requestId, services.toArray(String[]::new));
    }

    /** The request, its row locked until the transaction ends when {@code lock}. */
    Optional<StoredRequest> find(String workspaceId, UUID id, boolean lock) {
        return jdbc.query("""
                        SELECT id, type, status, profile_id, identifier::text, profile_ids, identifiers::text,
                               created_at, completed_at
                        FROM privacy_requests WHERE workspace_id = ? AND id = ?""" + (lock ? " FOR UPDATE" : ""),
                (rs, i) -> request(rs), workspaceId, id).stream().findFirst();
    }

    /** Each service's part, in service name order. */
    Map<String, StoredService> findServices(String workspaceId, UUID requestId) {
        Map<String, StoredService> services = new LinkedHashMap<>();
        jdbc.query("""
                        SELECT service, status, detail, export::text, acknowledged_at FROM privacy_request_services
                        WHERE workspace_id = ? AND request_id = ? ORDER BY service""",
                rs -> {
                    String export = rs.getString(4);
                    Timestamp at = rs.getTimestamp(5);
                    services.put(rs.getString(1), new StoredService(rs.getString(1),
                            PrivacyStatus.valueOf(rs.getString(2)), rs.getString(3),
                            export == null ? null : json.readTree(export), at == null ? null : at.toInstant()));
                }, workspaceId, requestId);
        return services;
    }

    /** Records a service's acknowledgement (replacing an earlier one). */
    void acknowledge(String workspaceId, UUID requestId, String service, PrivacyStatus status, String detail,
                        JsonNode export, Instant at) {
        jdbc.update("""
                        UPDATE privacy_request_services
                        SET status = ?, detail = ?, export = ?::jsonb, acknowledged_at = ?
                        WHERE workspace_id = ? AND request_id = ? AND service = ?""",
                status.name(), detail, export == null ? null : json.writeValueAsString(export), Timestamp.from(at),
                workspaceId, requestId, service);
    }

    void updateStatus(String workspaceId, UUID requestId, PrivacyStatus status) {
        jdbc.update("""
                        UPDATE privacy_requests
                        SET status = ?, updated_at = now(),
                            completed_at = CASE WHEN ? THEN coalesce(completed_at, now()) END
                        WHERE workspace_id = ? AND id = ?""",
                status.name(), status.finished(), workspaceId, requestId);
    }

    private StoredRequest request(ResultSet rs) throws SQLException {
        String identifier = rs.getString("identifier");
        Timestamp completed = rs.getTimestamp("completed_at");
        return new StoredRequest(rs.getObject("id", UUID.class), PrivacyRequestType.valueOf(rs.getString("type")),
                PrivacyStatus.valueOf(rs.getString("status")), rs.getString("profile_id"),
                identifier == null ? null : json.readValue(identifier, Identifier.class),
                Arrays.asList((String[]) rs.getArray("profile_ids").getArray()),
                json.readValue(rs.getString("identifiers"), IDENTIFIERS),
                rs.getTimestamp("created_at").toInstant(), completed == null ? null : completed.toInstant());
    }
}
