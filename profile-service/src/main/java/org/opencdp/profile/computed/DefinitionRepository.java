package org.opencdp.profile.computed;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.Path;
import org.opencdp.profile.computed.ComputedTraitDefinition.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@code computed_trait_definitions} table. */
@Repository
class DefinitionRepository {

    private static final Logger log = LoggerFactory.getLogger(DefinitionRepository.class);

    private static final String SELECT = """
            SELECT workspace_id, key, name, aggregation, event, property, conditions::text AS conditions, within,
                   between_lower, between_upper, hidden, status,
                   backfill_cursor, processed, total, created_at, updated_at
            FROM computed_trait_definitions
            """;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    DefinitionRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(ComputedTraitDefinition d) {
        jdbc.update("""
                        INSERT INTO computed_trait_definitions (workspace_id, key, name, aggregation, event, property,
                            conditions, within, between_lower, between_upper, hidden, status, backfill_cursor, processed, total,
                            created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                d.workspaceId(), d.key(), d.name(), d.aggregation().name(), d.event(), d.property(),
                conditionsJson(d.where()), d.within(), d.between() == null ? null : utc(d.between().lower()),
                d.between() == null ? null : utc(d.between().upper()), d.hidden(), d.status().name(), d.backfillCursor(), d.processed(),
                d.total(), utc(d.createdAt()), utc(d.updatedAt()));
    }

    /** A definition in any status, deleting included. */
    Optional<ComputedTraitDefinition> find(String workspaceId, String key) {
        return jdbc.query(SELECT + "WHERE workspace_id = ? AND key = ?",
                (rs, row) -> map(rs), workspaceId, key).stream().findFirst();
    }

    /** The workspace's definitions that are not being deleted, by key. */
    List<ComputedTraitDefinition> live(String workspaceId) {
        return jdbc.query(SELECT + "WHERE workspace_id = ? AND status <> 'deleting' ORDER BY key",
                (rs, row) -> map(rs), workspaceId);
    }

    /** The live definitions over any of {@code events} that can be computed ({@code failed} left out), in one statement. */
    List<ComputedTraitDefinition> liveForEvents(Collection<EventName> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        return jdbc.query(SELECT + """
                        WHERE (workspace_id, event) IN (SELECT * FROM unnest(?::text[], ?::text[]))
                          AND status <> 'deleting' ORDER BY workspace_id, key""",
                (rs, row) -> map(rs), events.stream().map(EventName::workspaceId).toArray(String[]::new),
                events.stream().map(EventName::event).toArray(String[]::new))
                .stream().filter(d -> d.status() != Status.failed).toList();
    }

    /**
     * The oldest definition with work to do (backfilling or deleting) that no other worker holds,
     * locked until the transaction ends.
     */
    Optional<ComputedTraitDefinition> claimWork() {
        return jdbc.query(SELECT + """
                WHERE status IN ('backfilling', 'deleting') ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED""",
                (rs, row) -> map(rs)).stream().findFirst();
    }

    void advance(String workspaceId, String key, String cursor, long processed, Instant at) {
        jdbc.update("""
                UPDATE computed_trait_definitions SET backfill_cursor = ?, processed = ?, updated_at = ?
                WHERE workspace_id = ? AND key = ?""", cursor, processed, utc(at), workspaceId, key);
    }

    void markReady(String workspaceId, String key, Instant at) {
        jdbc.update("""
                UPDATE computed_trait_definitions SET status = 'ready', total = GREATEST(total, processed), updated_at = ?
                WHERE workspace_id = ? AND key = ? AND status = 'backfilling'""", utc(at), workspaceId, key);
    }

    /** Marks a live definition for deletion; false when there is none. */
    boolean markDeleting(String workspaceId, String key, Instant at) {
        return jdbc.update("""
                UPDATE computed_trait_definitions SET status = 'deleting', updated_at = ?
                WHERE workspace_id = ? AND key = ? AND status <> 'deleting'""", utc(at), workspaceId, key) == 1;
    }

    /** Stores that a definition cannot be read any more, so no worker claims it again. */
    void markFailed(String workspaceId, String key, Instant at) {
        jdbc.update("""
                UPDATE computed_trait_definitions SET status = 'failed', updated_at = ?
                WHERE workspace_id = ? AND key = ? AND status = 'backfilling'""", utc(at), workspaceId, key);
    }

    void delete(String workspaceId, String key) {
        jdbc.update("DELETE FROM computed_trait_definitions WHERE workspace_id = ? AND key = ?", workspaceId, key);
    }

    /** How many live (neither merged away nor erased) profiles the workspace has: the work of a backfill. */
    long countProfiles(String workspaceId) {
        Long count = jdbc.queryForObject(
                "SELECT count(*) FROM profiles WHERE workspace_id = ? AND merged_into IS NULL AND erased_at IS NULL",
                Long.class, workspaceId);
        return count == null ? 0 : count;
    }

    /**
     * A stored row as a definition. Tolerant: a row this version cannot read (a {@code where} the
     * shared condition language refuses, stored before issue 11; an unknown aggregation or status; a
     * bad path or window) is logged and read as {@code failed} (or {@code deleting}, if it is being
     * deleted), so neither a consumer nor the API ever breaks on it.
     */
    private ComputedTraitDefinition map(ResultSet rs) throws SQLException {
        String workspaceId = rs.getString("workspace_id");
        String key = rs.getString("key");
        String property = rs.getString("property");
        String within = rs.getString("within");
        String storedStatus = rs.getString("status");
        Instant createdAt = rs.getObject("created_at", OffsetDateTime.class).toInstant();
        Instant updatedAt = rs.getObject("updated_at", OffsetDateTime.class).toInstant();
        OffsetDateTime lower = rs.getObject("between_lower", OffsetDateTime.class);
        OffsetDateTime upper = rs.getObject("between_upper", OffsetDateTime.class);
        boolean hidden = rs.getBoolean("hidden");
        try {
            return new ComputedTraitDefinition(workspaceId, key, rs.getString("name"),
                    Aggregation.valueOf(rs.getString("aggregation")), rs.getString("event"), property,
                    property == null ? List.of() : Path.parse(property).segments(),
                    conditions(rs.getString("conditions")), within, within == null ? null : Windows.parse(within),
                    lower == null ? null : new Between(lower.toInstant(), upper.toInstant()), hidden,
                    Status.valueOf(storedStatus), rs.getString("backfill_cursor"), rs.getLong("processed"),
                    rs.getLong("total"), createdAt, updatedAt);
        } catch (RuntimeException e) {
            if (!Status.failed.name().equals(storedStatus)) {
                log.warn("Computed trait '{}' of workspace {} cannot be read and is treated as failed: {}", key,
                        workspaceId, e.getMessage());
            }
            return new ComputedTraitDefinition(workspaceId, key, rs.getString("name"),
                    Aggregation.parse(rs.getString("aggregation")).orElse(Aggregation.count), rs.getString("event"),
                    property, List.of(), List.of(), within, null, null, hidden,
                    Status.deleting.name().equals(storedStatus) ? Status.deleting : Status.failed,
                    rs.getString("backfill_cursor"), rs.getLong("processed"), rs.getLong("total"), createdAt,
                    updatedAt);
        }
    }

    private String conditionsJson(List<Leaf> conditions) {
        ArrayNode array = json.createArrayNode();
        conditions.forEach(condition -> array.add(condition.toJson("property")));
        return json.writeValueAsString(array);
    }

    /**
     * The stored {@code where}, read with the shared parser. Rows written before issue 11 may hold
     * {@code exists} with {@code value: true / false}, which is read as {@code exists} / {@code not_exists}.
     */
    private List<Leaf> conditions(String text) {
        List<Leaf> conditions = new ArrayList<>();
        for (JsonNode stored : json.readTree(text)) {
            JsonNode condition = stored;
            if (stored.isObject() && "exists".equals(stored.path("op").asString("")) && stored.has("value")) {
                ObjectNode legacy = ((ObjectNode) stored).deepCopy();
                JsonNode present = legacy.remove("value");
                legacy.put("op", present.asBoolean(true) ? "exists" : "not_exists");
                condition = legacy;
            }
            conditions.add(DefinitionParser.WHERE.parse(condition, ""));
        }
        return conditions;
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
