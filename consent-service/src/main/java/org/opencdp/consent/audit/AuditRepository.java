package org.opencdp.consent.audit;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Repository
class AuditRepository {

    /** An entry as stored, with its place in the log. */
    record StoredEntry(long seq, UUID id, Instant at, AuditAction action, String profileId, String subject,
                       String actor, JsonNode details) {
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    AuditRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insertAll(List<AuditEntry> entries) {
        int size = entries.size();
        UUID[] ids = new UUID[size];
        String[] workspaces = new String[size];
        String[] actions = new String[size];
        String[] profiles = new String[size];
        String[] subjects = new String[size];
        String[] actors = new String[size];
        String[] details = new String[size];
        for (int i = 0; i < size; i++) {
            AuditEntry entry = entries.get(i);
            ids[i] = entry.id();
            workspaces[i] = entry.workspaceId();
            actions[i] = entry.action().name();
            profiles[i] = entry.profileId();
            subjects[i] = entry.subject();
            actors[i] = entry.actor();
            details[i] = entry.details() == null ? "{}" : json.writeValueAsString(entry.details());
        }
        jdbc.update("""
                        INSERT INTO audit_log (id, workspace_id, action, profile_id, subject, actor, details)
                        SELECT id, w, action, p, s, actor, details::jsonb
                        FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                             WITH ORDINALITY AS e (id, w, action, p, s, actor, details, position)
                        ORDER BY position
                        ON CONFLICT (workspace_id, id) DO NOTHING""",
                ids, workspaces, actions, profiles, subjects, actors, details);
    }

    int deleteConsentEntries(String workspaceId, Collection<String> profileIds) {
        return jdbc.update("""
                        DELETE FROM audit_log
                        WHERE workspace_id = ? AND profile_id = ANY(?) AND action IN ('consent_recorded', 'profiles_merged')""",
                workspaceId, profileIds.toArray(String[]::new));
    }

    List<StoredEntry> find(String workspaceId, Collection<String> profileIds, String subject, Long beforeSeq,
                           int limit) {
        return jdbc.query("""
                        SELECT seq, id, at, action, profile_id, subject, actor, details::text FROM audit_log
                        WHERE workspace_id = ? AND (profile_id = ANY(?) OR subject = ?) AND seq < ?
                        ORDER BY seq DESC
                        LIMIT ?""",
                (rs, i) -> new StoredEntry(rs.getLong(1), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
                        AuditAction.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                        json.readTree(rs.getString(8))),
                workspaceId, profileIds.toArray(String[]::new), subject, beforeSeq == null ? Long.MAX_VALUE : beforeSeq,
                limit);
    }
}
