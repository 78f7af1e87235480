package org.opencdp.consent.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.opencdp.consent.ledger.ConsentFold.LedgerRecord;
import org.opencdp.consent.ledger.ConsentFold.StateRow;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The ledger ({@code consent_records}) and the current state ({@code consent_state}). Every write
 * takes a whole set of rows in one statement, so recording a chunk of events costs the same few
 * statements however many events it holds.
 */
@Repository
class ConsentRepository {

    private static final String STATE_COLUMNS = "purpose, granted, occurred_at, source, legal_basis, jurisdiction";

    private final JdbcTemplate jdbc;

    ConsentRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises changes to the consent of {@code profiles} until the transaction ends, so snapshots
     * follow the order of changes. The locks are taken in the order of their keys' hashes (the lock
     * ids), so two transactions locking overlapping sets cannot wait on each other in a cycle.
     */
    void lockProfiles(Collection<ProfileRef> profiles) {
        String[] keys = profiles.stream().map(ProfileRef::lockKey).toArray(String[]::new);
        // OFFSET 0 keeps the sorted subquery apart, so the locks are taken in its order
        jdbc.query("""
                        SELECT pg_advisory_xact_lock(lock_id)
                        FROM (SELECT DISTINCT hashtextextended(k, 0) AS lock_id FROM unnest(?::text[]) AS k
                              ORDER BY lock_id OFFSET 0) AS ordered""",
                rs -> { }, (Object) keys);
    }

    /** The current state of each of {@code profiles}: profile → purpose → state (profiles without any are absent). */
    Map<ProfileRef, Map<String, PurposeState>> findStates(Collection<ProfileRef> profiles) {
        Map<ProfileRef, Map<String, PurposeState>> states = new HashMap<>();
        jdbc.query("SELECT workspace_id, profile_id, " + STATE_COLUMNS + """
                         FROM consent_state
                        WHERE (workspace_id, profile_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))""",
                rs -> {
                    PurposeState state = purposeState(rs);
                    states.computeIfAbsent(new ProfileRef(rs.getString("workspace_id"), rs.getString("profile_id")),
                            p -> new TreeMap<>()).put(state.purpose(), state);
                },
                profiles.stream().map(ProfileRef::workspaceId).toArray(String[]::new),
                profiles.stream().map(ProfileRef::profileId).toArray(String[]::new));
        return states;
    }

    /**
     * Which statements of {@code stated} the ledger already holds, by resolved message id or by
     * {@code messageId}; in one statement.
     */
    RecordedKeys findRecorded(Collection<StatedConsent> stated) {
        RecordedKeys recorded = new RecordedKeys();
        Set<Map.Entry<String, UUID>> byMessage = new LinkedHashSet<>();
        Set<Map.Entry<String, String>> byEvent = new LinkedHashSet<>();
        for (StatedConsent one : stated) {
            for (ConsentStatement statement : one.statements()) {
                if (statement.eventMessageId() != null) {
                    byMessage.add(Map.entry(one.profile().workspaceId(), statement.eventMessageId()));
                }
                if (statement.eventId() != null) {
                    byEvent.add(Map.entry(one.profile().workspaceId(), statement.eventId()));
                }
            }
        }
        if (byMessage.isEmpty() && byEvent.isEmpty()) {
            return recorded;
        }
        jdbc.query("""
                        SELECT workspace_id, event_message_id, event_id, purpose FROM consent_records
                        WHERE (workspace_id, event_message_id) IN (SELECT * FROM unnest(?::text[], ?::uuid[]))
                        UNION ALL
                        SELECT workspace_id, event_message_id, event_id, purpose FROM consent_records
                        WHERE (workspace_id, event_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))""",
                rs -> {
                    recorded.add(rs.getString("workspace_id"), rs.getObject("event_message_id", UUID.class),
                            rs.getString("event_id"), rs.getString("purpose"));
                },
                byMessage.stream().map(Map.Entry::getKey).toArray(String[]::new),
                byMessage.stream().map(Map.Entry::getValue).toArray(UUID[]::new),
                byEvent.stream().map(Map.Entry::getKey).toArray(String[]::new),
                byEvent.stream().map(Map.Entry::getValue).toArray(String[]::new));
        return recorded;
    }

    /**
     * Appends {@code records} to the ledger in one statement; returns how many were new (a row the
     * ledger already holds under one of its unique keys is left as it is). Each row's {@code
     * recorded_at} is the clock when it is written, so the history keeps the order of recording
     * among statements of one transaction.
     */
    int insertRecords(List<LedgerRecord> records) {
        int size = records.size();
        UUID[] ids = new UUID[size];
        String[] workspaces = new String[size];
        String[] profiles = new String[size];
        String[] purposes = new String[size];
        Boolean[] granted = new Boolean[size];
        String[] sources = new String[size];
        String[] legalBases = new String[size];
        String[] jurisdictions = new String[size];
        String[] occurredAt = new String[size];
        UUID[] eventMessageIds = new UUID[size];
        String[] eventIds = new String[size];
        for (int i = 0; i < size; i++) {
            LedgerRecord record = records.get(i);
            ConsentStatement statement = record.statement();
            ids[i] = record.id();
            workspaces[i] = record.profile().workspaceId();
            profiles[i] = record.profile().profileId();
            purposes[i] = statement.purpose();
            granted[i] = statement.granted();
            sources[i] = statement.source();
            legalBases[i] = statement.legalBasis().name();
            jurisdictions[i] = statement.jurisdiction();
            occurredAt[i] = statement.occurredAt().toString();
            eventMessageIds[i] = statement.eventMessageId();
            eventIds[i] = statement.eventId();
        }
        return jdbc.update("""
                        INSERT INTO consent_records (id, workspace_id, profile_id, purpose, granted, source, legal_basis,
                                                     jurisdiction, occurred_at, event_message_id, event_id, recorded_at)
                        SELECT id, w, p, purpose, granted, source, legal_basis, jurisdiction, occurred_at, m, e,
                               clock_timestamp()
                        FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], ?::text[],
                                    ?::text[], ?::timestamptz[], ?::uuid[], ?::text[]) WITH ORDINALITY
                             AS r (id, w, p, purpose, granted, source, legal_basis, jurisdiction, occurred_at, m, e,
                                   position)
                        ORDER BY position
                        ON CONFLICT DO NOTHING""",
                ids, workspaces, profiles, purposes, granted, sources, legalBases, jurisdictions, occurredAt,
                eventMessageIds, eventIds);
    }

    /**
     * Writes the state rows in one statement, in their (workspace, profile, purpose) order. A row is
     * only replaced by a statement at least as recent (the caller holds the profiles' locks, so the
     * state it folded over is the one it replaces).
     */
    void upsertStates(List<StateRow> rows) {
        int size = rows.size();
        String[] workspaces = new String[size];
        String[] profiles = new String[size];
        String[] purposes = new String[size];
        Boolean[] granted = new Boolean[size];
        String[] occurredAt = new String[size];
        String[] sources = new String[size];
        String[] legalBases = new String[size];
        String[] jurisdictions = new String[size];
        for (int i = 0; i < size; i++) {
            StateRow row = rows.get(i);
            PurposeState state = row.state();
            workspaces[i] = row.profile().workspaceId();
            profiles[i] = row.profile().profileId();
            purposes[i] = state.purpose();
            granted[i] = state.granted();
            occurredAt[i] = state.occurredAt().toString();
            sources[i] = state.source();
            legalBases[i] = state.legalBasis().name();
            jurisdictions[i] = state.jurisdiction();
        }
        jdbc.update("""
                        INSERT INTO consent_state (workspace_id, profile_id, purpose, granted, occurred_at, source,
                                                   legal_basis, jurisdiction)
                        SELECT w, p, purpose, granted, occurred_at, source, legal_basis, jurisdiction
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::boolean[], ?::timestamptz[],
                                             ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                             AS s (w, p, purpose, granted, occurred_at, source, legal_basis, jurisdiction, position)
                        ORDER BY position
                        ON CONFLICT (workspace_id, profile_id, purpose) DO UPDATE
                            SET granted = EXCLUDED.granted, occurred_at = EXCLUDED.occurred_at,
                                source = EXCLUDED.source, legal_basis = EXCLUDED.legal_basis,
                                jurisdiction = EXCLUDED.jurisdiction, updated_at = now()
                            WHERE consent_state.occurred_at <= EXCLUDED.occurred_at""",
                workspaces, profiles, purposes, granted, occurredAt, sources, legalBases, jurisdictions);
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

    /** Removes the current state of {@code profileIds} (merged away: their survivor holds it now). */
    int deleteStates(String workspaceId, Collection<String> profileIds) {
        return jdbc.update("DELETE FROM consent_state WHERE workspace_id = ? AND profile_id = ANY(?)",
                workspaceId, profileIds.toArray(String[]::new));
    }

    /** Removes every ledger row of {@code profileIds} (erasure; the append-only trigger forbids updates only). */
    int deleteRecords(String workspaceId, Collection<String> profileIds) {
        return jdbc.update("DELETE FROM consent_records WHERE workspace_id = ? AND profile_id = ANY(?)",
                workspaceId, profileIds.toArray(String[]::new));
    }

    List<LedgerEntry> findHistory(String workspaceId, Collection<String> profileIds, int limit) {
        return jdbc.query("""
                        SELECT id, purpose, granted, source, legal_basis, jurisdiction, occurred_at, recorded_at,
                               event_message_id, profile_id
                        FROM consent_records
                        WHERE workspace_id = ? AND profile_id = ANY(?)
                        ORDER BY occurred_at DESC, recorded_at DESC, id
                        LIMIT ?""",
                (rs, i) -> new LedgerEntry(rs.getObject("id", UUID.class), rs.getString("purpose"),
                        rs.getBoolean("granted"), rs.getString("source"),
                        LegalBasis.valueOf(rs.getString("legal_basis")), rs.getString("jurisdiction"),
                        rs.getTimestamp("occurred_at").toInstant(), rs.getTimestamp("recorded_at").toInstant(),
                        rs.getObject("event_message_id", UUID.class), rs.getString("profile_id")),
                workspaceId, profileIds.toArray(String[]::new), limit);
    }

    private static PurposeState purposeState(ResultSet rs) throws SQLException {
        return new PurposeState(rs.getString("purpose"), rs.getBoolean("granted"),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("source"),
                LegalBasis.valueOf(rs.getString("legal_basis")), rs.getString("jurisdiction"));
    }
}
