package org.opencdp.activation.destination;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The {@code destinations} table. Every statement is scoped to one workspace. */
@Repository
class DestinationRepository {

    private static final String COLUMNS = """
            workspace_id, id, name, type, config::text AS config, secret_ciphertext IS NOT NULL AS secret_set,
            required_purposes, subscribed_events, subscribed_segments, enabled, created_at, updated_at""";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final RowMapper<Destination> rows = this::map;

    DestinationRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Destination insert(Destination destination, byte[] secretCiphertext) {
        return jdbc.queryForObject("""
                        INSERT INTO destinations (workspace_id, id, name, type, config, secret_ciphertext, required_purposes,
                                                  subscribed_events, subscribed_segments, enabled)
                        VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                        RETURNING\s""" + COLUMNS, rows,
                destination.workspaceId(), destination.id(), destination.name(), destination.type(),
                json.writeValueAsString(destination.settings()), secretCiphertext,
                array(destination.requiredPurposes()), array(destination.subscribedEvents()),
                array(destination.subscribedSegments()), destination.enabled());
    }

    Optional<Destination> update(Destination destination, byte[] secretCiphertext) {
        return jdbc.query("""
                        UPDATE destinations SET name = ?, type = ?, config = ?::jsonb, secret_ciphertext = ?,
                               required_purposes = ?, subscribed_events = ?, subscribed_segments = ?, enabled = ?,
                               updated_at = now()
                        WHERE workspace_id = ? AND id = ?
                        RETURNING\s""" + COLUMNS, rows,
                destination.name(), destination.type(), json.writeValueAsString(destination.settings()),
                secretCiphertext, array(destination.requiredPurposes()), array(destination.subscribedEvents()),
                array(destination.subscribedSegments()), destination.enabled(),
                destination.workspaceId(), destination.id()).stream().findFirst();
    }

    boolean delete(String workspaceId, UUID id) {
        return jdbc.update("DELETE FROM destinations WHERE workspace_id = ? AND id = ?", workspaceId, id) == 1;
    }

    Optional<Destination> find(String workspaceId, UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM destinations WHERE workspace_id = ? AND id = ?", rows,
                workspaceId, id).stream().findFirst();
    }

    List<Destination> list(String workspaceId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM destinations WHERE workspace_id = ? ORDER BY created_at, id",
                rows, workspaceId);
    }

    Optional<byte[]> secretCiphertext(String workspaceId, UUID id) {
        return jdbc.query("SELECT secret_ciphertext FROM destinations WHERE workspace_id = ? AND id = ?",
                (rs, i) -> rs.getBytes(1), workspaceId, id).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** The destinations of {@code refs} that exist, in one statement. */
    List<Destination> findAll(Collection<DestinationRef> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT " + COLUMNS + """
                         FROM destinations
                        WHERE (workspace_id, id) IN (SELECT * FROM unnest(?::text[], ?::uuid[]))""", rows,
                refs.stream().map(DestinationRef::workspaceId).toArray(String[]::new),
                refs.stream().map(DestinationRef::id).toArray(UUID[]::new));
    }

    /** The stored credentials of those of {@code refs} that have some, in one statement. */
    Map<DestinationRef, byte[]> secretCiphertexts(Collection<DestinationRef> refs) {
        Map<DestinationRef, byte[]> found = new HashMap<>();
        if (refs.isEmpty()) {
            return found;
        }
        jdbc.query("""
                        SELECT workspace_id, id, secret_ciphertext FROM destinations
                        WHERE (workspace_id, id) IN (SELECT * FROM unnest(?::text[], ?::uuid[]))
                          AND secret_ciphertext IS NOT NULL""",
                rs -> {
                    found.put(new DestinationRef(rs.getString(1), rs.getObject(2, UUID.class)), rs.getBytes(3));
                },
                refs.stream().map(DestinationRef::workspaceId).toArray(String[]::new),
                refs.stream().map(DestinationRef::id).toArray(UUID[]::new));
        return found;
    }

    /**
     * Up to {@code limit} stored credentials that do not start with {@code currentPrefix} (written
     * under another key or before key ids), after {@code after} in (workspace, id) order, locked for
     * this transaction; rows another instance holds are skipped, for its pass or the next.
     */
    List<StoredSecret> staleSecrets(byte[] currentPrefix, DestinationRef after, int limit) {
        return jdbc.query("""
                        SELECT workspace_id, id, secret_ciphertext FROM destinations
                        WHERE secret_ciphertext IS NOT NULL
                          AND substring(secret_ciphertext FROM 1 FOR ?) <> ?
                          AND (workspace_id, id) > (?, ?)
                        ORDER BY workspace_id, id
                        LIMIT ?
                        FOR UPDATE SKIP LOCKED""",
                (rs, i) -> new StoredSecret(new DestinationRef(rs.getString(1), rs.getObject(2, UUID.class)),
                        rs.getBytes(3)),
                currentPrefix.length, currentPrefix, after.workspaceId(), after.id(), limit);
    }

    /** How many stored credentials do not start with {@code currentPrefix}. */
    long countStaleSecrets(byte[] currentPrefix) {
        Long count = jdbc.queryForObject("""
                        SELECT count(*) FROM destinations
                        WHERE secret_ciphertext IS NOT NULL AND substring(secret_ciphertext FROM 1 FOR ?) <> ?""",
                Long.class, currentPrefix.length, currentPrefix);
        return count == null ? 0 : count;
    }

    /** Stores each secret's new ciphertext, in one batch; the credentials themselves are unchanged. */
    void replaceCiphertexts(List<StoredSecret> secrets) {
        jdbc.batchUpdate("UPDATE destinations SET secret_ciphertext = ? WHERE workspace_id = ? AND id = ?",
                secrets.stream().map(secret -> new Object[] {secret.ciphertext(), secret.ref().workspaceId(),
                        secret.ref().id()}).toList());
    }

    /**
     * The enabled destinations of {@code workspaceIds} subscribed to any of the track events {@code
     * names} (or to every one, {@code "*"}), with their event subscriptions, in one statement.
     */
    List<SubscriberIndex.Subscriber> eventSubscribers(Collection<String> workspaceIds, Collection<String> names) {
        List<String> wanted = new ArrayList<>(names);
        wanted.add(Subscriptions.ALL_EVENTS);
        return jdbc.query("""
                        SELECT workspace_id, id, subscribed_events FROM destinations
                        WHERE workspace_id = ANY(?::text[]) AND enabled AND subscribed_events && ?::text[]""",
                (rs, i) -> new SubscriberIndex.Subscriber(rs.getString(1), rs.getObject(2, UUID.class),
                        list(rs.getArray(3))),
                workspaceIds.toArray(String[]::new), wanted.toArray(String[]::new));
    }

    /**
     * The enabled destinations of {@code workspaceIds} subscribed to any of {@code segmentIds}, with
     * their segment subscriptions, in one statement.
     */
    List<SubscriberIndex.Subscriber> segmentSubscribers(Collection<String> workspaceIds, Collection<String> segmentIds) {
        return jdbc.query("""
                        SELECT workspace_id, id, subscribed_segments FROM destinations
                        WHERE workspace_id = ANY(?::text[]) AND enabled AND subscribed_segments && ?::text[]""",
                (rs, i) -> new SubscriberIndex.Subscriber(rs.getString(1), rs.getObject(2, UUID.class),
                        list(rs.getArray(3))),
                workspaceIds.toArray(String[]::new), segmentIds.toArray(String[]::new));
    }

    private Destination map(ResultSet rs, int row) throws SQLException {
        return new Destination(rs.getString("workspace_id"), rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getString("type"), (ObjectNode) json.readTree(rs.getString("config")), rs.getBoolean("secret_set"),
                list(rs.getArray("required_purposes")), list(rs.getArray("subscribed_events")),
                list(rs.getArray("subscribed_segments")), rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static List<String> list(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }
}
