package org.opencdp.identity.graph;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads the identifiers of the graph: which profile each belongs to and when it was first seen. */
@Repository
public class IdentityRepository {

    private final JdbcTemplate jdbc;

    IdentityRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The profile {@code identifier} is attached to, if any. Links always point at a surviving profile. */
    public Optional<String> profileOf(String workspaceId, PersonIdentifier identifier) {
        return jdbc.queryForList("SELECT profile_id FROM identities WHERE workspace_id = ? AND type = ? AND value = ?",
                        String.class, workspaceId, identifier.type(), identifier.value())
                .stream().findFirst();
    }

    /** The identifiers attached to a profile, earliest first. */
    public List<IdentityLink> identitiesOf(String workspaceId, String profileId) {
        return jdbc.query("""
                        SELECT type, value, profile_id, first_seen_at, first_event_id, first_source_id FROM identities
                        WHERE workspace_id = ? AND profile_id = ? ORDER BY first_seen_at, type, value""",
                (rs, i) -> new IdentityLink(new PersonIdentifier(rs.getString("type"), rs.getString("value")),
                        rs.getString("profile_id"), rs.getObject("first_seen_at", OffsetDateTime.class).toInstant(),
                        rs.getString("first_event_id"), rs.getString("first_source_id")),
                workspaceId, profileId);
    }
}
