package org.opencdp.consent.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.stereotype.Repository;

@Repository
class ConsentRepository {

    private static final String STATE_COLUMNS = "purpose, granted, occurred_at, source, legal_basis, jurisdiction";

    private final JdbcTemplate jdbc;

    ConsentRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Serialises state changes of one profile until the transaction ends, so snapshots follow the order of changes. */
    void lockProfile(String workspaceId, String profileId) {
        jdbc.query("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (ResultSetExtractor<Void>) rs -> null,
                "consent:" + workspaceId + ":" + profileId);
    }

    /** Appends a statement to the ledger; {@code false} when the event already recorded it. */
    boolean insertRecord(String workspaceId, String profileId, ConsentStatement statement) {
        return jdbc.update("""
                        INSERT INTO consent_records (workspace_id, id, profile_id, purpose, granted, source, legal_basis,
                                                     jurisdiction, occurred_at, event_message_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""",
                workspaceId, UUID.randomUUID(), profileId, statement.purpose(), statement.granted(),
                statement.source(), statement.legalBasis().wireName(), statement.jurisdiction(),
                Timestamp.from(statement.occurredAt()), statement.eventMessageId()) == 1;
    }

    /** Makes the statement the current state unless the state holds a later one; {@code true} when written. */
    boolean applyToState(String workspaceId, String profileId, ConsentStatement statement) {
        return jdbc.update("""
                        INSERT INTO consent_state (workspace_id, profile_id, purpose, granted, occurred_at, source,
                                                   legal_basis, jurisdiction)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (workspace_id, profile_id, purpose) DO UPDATE
                            SET granted = EXCLUDED.granted, occurred_at = EXCLUDED.occurred_at,
                                source = EXCLUDED.source, legal_basis = EXCLUDED.legal_basis,
                                jurisdiction = EXCLUDED.jurisdiction, updated_at = now()
                            WHERE consent_state.occurred_at <= EXCLUDED.occurred_at""",
                workspaceId, profileId, statement.purpose(), statement.granted(),
                Timestamp.from(statement.occurredAt()), statement.source(), statement.legalBasis().wireName(),
                statement.jurisdiction()) == 1;
    }

    Map<String, PurposeState> findState(String workspaceId, String profileId) {
        Map<String, PurposeState> state = new TreeMap<>();
        jdbc.query("SELECT " + STATE_COLUMNS + " FROM consent_state WHERE workspace_id = ? AND profile_id = ?",
                rs -> {
                    PurposeState purpose = purposeState(rs);
                    state.put(purpose.purpose(), purpose);
                }, workspaceId, profileId);
        return state;
    }

    /** The state of {@code purposes} for each of {@code profileIds}: profile → purpose → state. */
    Map<String, Map<String, PurposeState>> findStates(String workspaceId, Collection<String> profileIds,
                                                      Collection<String> purposes) {
        Map<String, Map<String, PurposeState>> states = new HashMap<>();
        jdbc.query("SELECT profile_id, " + STATE_COLUMNS + """
                         FROM consent_state
                        WHERE workspace_id = ? AND profile_id = ANY(?) AND purpose = ANY(?)""",
                rs -> {
                    PurposeState purpose = purposeState(rs);
                    states.computeIfAbsent(rs.getString("profile_id"), id -> new HashMap<>())
                            .put(purpose.purpose(), purpose);
                }, workspaceId, profileIds.toArray(String[]::new), purposes.toArray(String[]::new));
        return states;
    }

    List<LedgerEntry> findHistory(String workspaceId, String profileId, int limit) {
        return jdbc.query("""
                        SELECT id, purpose, granted, source, legal_basis, jurisdiction, occurred_at, recorded_at,
                               event_message_id
                        FROM consent_records
                        WHERE workspace_id = ? AND profile_id = ?
                        ORDER BY occurred_at DESC, recorded_at DESC, id
                        LIMIT ?""",
                (rs, i) -> new LedgerEntry(rs.getObject("id", UUID.class), rs.getString("purpose"),
                        rs.getBoolean("granted"), rs.getString("source"),
                        LegalBasis.fromColumn(rs.getString("legal_basis")), rs.getString("jurisdiction"),
                        rs.getTimestamp("occurred_at").toInstant(), rs.getTimestamp("recorded_at").toInstant(),
                        rs.getObject("event_message_id", UUID.class)),
                workspaceId, profileId, limit);
    }

    private static PurposeState purposeState(ResultSet rs) throws SQLException {
        return new PurposeState(rs.getString("purpose"), rs.getBoolean("granted"),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("source"),
                LegalBasis.fromColumn(rs.getString("legal_basis")), rs.getString("jurisdiction"));
    }
}
