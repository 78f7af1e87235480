package org.opencdp.consent.subjects;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
class SubjectRepository {

    private final JdbcTemplate jdbc;

    SubjectRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void rememberProfile(String workspaceId, String profileId) {
        jdbc.update("""
                INSERT INTO known_profiles (workspace_id, profile_id) VALUES (?, ?)
                ON CONFLICT (workspace_id, profile_id) DO NOTHING""", workspaceId, profileId);
    }

    /** Maps the identifier to the profile; a later resolved event (e.g. after a merge) re-points it. */
    void upsertIdentifier(String workspaceId, String type, String value, String profileId) {
        jdbc.update("""
                INSERT INTO subject_identifiers (workspace_id, type, value, profile_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (workspace_id, type, value) DO UPDATE
                    SET profile_id = EXCLUDED.profile_id, updated_at = now()
                    WHERE subject_identifiers.profile_id <> EXCLUDED.profile_id""",
                workspaceId, type, value, profileId);
    }

    Optional<String> findProfile(String workspaceId, String type, String value) {
        return jdbc.queryForList("""
                        SELECT profile_id FROM subject_identifiers
                        WHERE workspace_id = ? AND type = ? AND value = ?""",
                String.class, workspaceId, type, value).stream().findFirst();
    }

    Set<String> findKnown(String workspaceId, Collection<String> profileIds) {
        return new HashSet<>(jdbc.queryForList("""
                        SELECT profile_id FROM known_profiles
                        WHERE workspace_id = ? AND profile_id = ANY(?)""",
                String.class, workspaceId, profileIds.toArray(String[]::new)));
    }
}
