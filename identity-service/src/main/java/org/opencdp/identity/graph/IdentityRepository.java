package org.opencdp.identity.graph;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

/** The identifiers of the graph: which profile each belongs to and when it was first seen. */
@Repository
public class IdentityRepository {

    private static final String SELECT_LINK = """
            SELECT type, value, profile_id, first_seen_at, first_event_id, first_source_id FROM identities""";

    private final JdbcTemplate jdbc;

    IdentityRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The links of those of {@code identifiers} that are attached to a profile; unknown ones are absent. */
    public Map<PersonIdentifier, IdentityLink> find(String workspaceId, Collection<PersonIdentifier> identifiers) {
        Map<PersonIdentifier, IdentityLink> links = new HashMap<>();
        if (identifiers.isEmpty()) {
            return links;
        }
        List<Object> arguments = new ArrayList<>();
        arguments.add(workspaceId);
        StringBuilder pairs = new StringBuilder();
        for (PersonIdentifier identifier : identifiers) {
            pairs.append(pairs.isEmpty() ? "(?, ?)" : ", (?, ?)");
            arguments.add(identifier.type().wireName());
            arguments.add(identifier.value());
        }
        jdbc.query(SELECT_LINK + " WHERE workspace_id = ? AND (type, value) IN (" + pairs + ")",
                (RowCallbackHandler) rs -> link(rs).ifPresent(link -> links.put(link.identifier(), link)),
                arguments.toArray());
        return links;
    }

    /** The profile {@code identifier} is attached to, if any. */
    public Optional<String> profileOf(String workspaceId, PersonIdentifier identifier) {
        return jdbc.queryForList("SELECT profile_id FROM identities WHERE workspace_id = ? AND type = ? AND value = ?",
                        String.class, workspaceId, identifier.type().wireName(), identifier.value())
                .stream().findFirst();
    }

    /**
     * Attaches {@code identifier} to {@code profileId} unless it already belongs to a profile.
     * Returns whether this call attached it. When another transaction attached it concurrently,
     * this waits for that transaction and returns {@code false} once it committed, so a following
     * read in the same (read-committed) transaction sees the winner's profile.
     */
    public boolean attach(String workspaceId, PersonIdentifier identifier, String profileId, Sighting sighting) {
        return jdbc.update("""
                        INSERT INTO identities (workspace_id, type, value, profile_id, first_seen_at, first_event_id,
                                                first_source_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (workspace_id, type, value) DO NOTHING""",
                workspaceId, identifier.type().wireName(), identifier.value(), profileId, utc(sighting.seenAt()),
                sighting.eventId(), sighting.sourceId()) == 1;
    }

    /**
     * Makes {@code sighting} the first sighting of {@code identifier} if its event time is earlier
     * than the recorded one, so "first seen" does not depend on the order events arrive in.
     */
    public void recordSighting(String workspaceId, PersonIdentifier identifier, Sighting sighting) {
        jdbc.update("""
                        UPDATE identities SET first_seen_at = ?, first_event_id = ?, first_source_id = ?
                        WHERE workspace_id = ? AND type = ? AND value = ? AND first_seen_at > ?""",
                utc(sighting.seenAt()), sighting.eventId(), sighting.sourceId(),
                workspaceId, identifier.type().wireName(), identifier.value(), utc(sighting.seenAt()));
    }

    /** The identifiers attached to a profile, earliest first. */
    public List<IdentityLink> identitiesOf(String workspaceId, String profileId) {
        List<IdentityLink> links = new ArrayList<>();
        jdbc.query(SELECT_LINK + " WHERE workspace_id = ? AND profile_id = ? ORDER BY first_seen_at, type, value",
                (RowCallbackHandler) rs -> link(rs).ifPresent(links::add), workspaceId, profileId);
        return links;
    }

    /** The link in the current row; empty for an identifier type this version does not know. */
    private static Optional<IdentityLink> link(ResultSet rs) throws SQLException {
        Optional<IdentifierType> type = IdentifierType.fromWireName(rs.getString("type"));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IdentityLink(new PersonIdentifier(type.get(), rs.getString("value")),
                rs.getString("profile_id"), rs.getObject("first_seen_at", OffsetDateTime.class).toInstant(),
                rs.getString("first_event_id"), rs.getString("first_source_id")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
