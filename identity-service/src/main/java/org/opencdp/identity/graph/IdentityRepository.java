package org.opencdp.identity.graph;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                (rs, i) -> link(rs), workspaceId, profileId);
    }

    /**
     * The identifiers attached to {@code profileIds}, at most {@code perProfile} of each (its earliest), by
     * profile and then earliest first, and how many each profile holds in all.
     */
    public Listed identitiesOf(String workspaceId, Collection<String> profileIds, int perProfile) {
        Map<String, Long> totals = new LinkedHashMap<>();
        List<IdentityLink> links = jdbc.query("""
                        SELECT type, value, profile_id, first_seen_at, first_event_id, first_source_id, total
                        FROM (SELECT i.*, row_number() OVER w AS n, count(*) OVER (PARTITION BY i.profile_id) AS total
                              FROM identities i WHERE i.workspace_id = ? AND i.profile_id = ANY (?)
                              WINDOW w AS (PARTITION BY i.profile_id ORDER BY i.first_seen_at, i.type, i.value)) ranked
                        WHERE n <= ? ORDER BY profile_id, n""",
                (rs, i) -> {
                    totals.put(rs.getString("profile_id"), rs.getLong("total"));
                    return link(rs);
                },
                workspaceId, profileIds.toArray(String[]::new), perProfile);
        return new Listed(links, totals);
    }

    private static IdentityLink link(ResultSet rs) throws SQLException {
        return new IdentityLink(new PersonIdentifier(rs.getString("type"), rs.getString("value")),
                rs.getString("profile_id"), rs.getObject("first_seen_at", OffsetDateTime.class).toInstant(),
                rs.getString("first_event_id"), rs.getString("first_source_id"));
    }

    /** Some identifiers, and how many each of their profiles holds in all. */
    public record Listed(List<IdentityLink> links, Map<String, Long> totals) {

        /** The identifiers of the profiles that were left out. */
        public long omitted() {
            return totals.values().stream().mapToLong(Long::longValue).sum() - links.size();
        }
    }
}
