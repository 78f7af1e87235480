package org.opencdp.consent.decisions;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opencdp.consent.ledger.LegalBasis;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.purposes.PurposeDefaults;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class DecisionRepository {

    private static final TypeReference<Map<String, Boolean>> DEFAULTS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    DecisionRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Stores {@code decisions} in one statement. Decisions that rest on the same basis share one
     * document: {@code bases} holds each distinct basis once, already serialised, and each decision
     * names its basis by position (from 1), so PostgreSQL parses every distinct document once.
     *
     * @param basisIndexes per decision, the position in {@code bases} of its basis
     */
    void insertAll(String workspaceId, List<String> purposes, Instant decidedAt, List<StoredDecision> decisions,
                   int[] basisIndexes, String[] bases) {
        String[] ids = new String[decisions.size()];
        String[] profileIds = new String[decisions.size()];
        String[] outcomes = new String[decisions.size()];
        for (int i = 0; i < decisions.size(); i++) {
            StoredDecision decision = decisions.get(i);
            ids[i] = decision.id().toString();
            profileIds[i] = decision.profileId();
            outcomes[i] = decision.decision();
        }
        jdbc.update("""
                        INSERT INTO consent_decisions (workspace_id, id, profile_id, purposes, decision, basis, decided_at)
                        SELECT ?, d.id, d.profile_id, ?::text[], d.decision, b.basis, ?
                        FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[]) AS d (id, profile_id, decision, basis_index)
                        JOIN unnest(?::jsonb[]) WITH ORDINALITY AS b (basis, position) ON b.position = d.basis_index""",
                workspaceId, purposes.toArray(String[]::new), Timestamp.from(decidedAt), ids, profileIds, outcomes,
                basisIndexes, bases);
    }

    /**
     * What decisions about {@code profileIds} rest on, in one statement: which were merged away (to
     * their survivor), which of the profiles that hold their consent this service has seen, those
     * profiles' current state of {@code purposes}, and the purposes' declared defaults. It reads
     * subjects', the ledger's and purposes' tables directly because activation asks before every
     * delivery and each round trip counts; the queries it replaces are
     * {@code SubjectService#canonical}, {@code SubjectService#known}, {@code ConsentLedger#states}
     * and {@code PurposeService#defaults}.
     */
    DecisionInputs findInputs(String workspaceId, Collection<String> profileIds, Collection<String> purposes) {
        Map<String, String> redirects = new HashMap<>();
        Set<String> known = new HashSet<>();
        Map<String, Map<String, PurposeState>> states = new HashMap<>();
        Map<String, PurposeDefaults> defaults = new HashMap<>();
        String[] keys = purposes.toArray(String[]::new);
        jdbc.query("""
                        WITH asked AS (
                            SELECT a.id, r.survivor_id
                            FROM unnest(?::text[]) AS a (id)
                            LEFT JOIN profile_redirects r ON r.workspace_id = ? AND r.merged_id = a.id),
                        known AS (
                            SELECT k.profile_id FROM known_profiles k
                            WHERE k.workspace_id = ?
                              AND k.profile_id IN (SELECT coalesce(survivor_id, id) FROM asked))
                        SELECT 'redirect' AS kind, id AS profile_id, survivor_id AS purpose, NULL::boolean AS granted,
                               NULL::timestamptz AS occurred_at, NULL AS source, NULL AS legal_basis, NULL AS jurisdiction
                        FROM asked WHERE survivor_id IS NOT NULL
                        UNION ALL
                        SELECT 'known', profile_id, NULL, NULL, NULL, NULL, NULL, NULL FROM known
                        UNION ALL
                        SELECT 'state', s.profile_id, s.purpose, s.granted, s.occurred_at, s.source, s.legal_basis,
                               s.jurisdiction
                        FROM consent_state s
                        WHERE s.workspace_id = ? AND s.profile_id IN (SELECT profile_id FROM known)
                          AND s.purpose = ANY(?)
                        UNION ALL
                        SELECT 'purpose', NULL, p.key, NULL, NULL, p.defaults::text, NULL, NULL
                        FROM purposes p WHERE p.workspace_id = ? AND p.key = ANY(?)""",
                rs -> {
                    switch (rs.getString(1)) {
                        case "redirect" -> redirects.put(rs.getString(2), rs.getString(3));
                        case "known" -> known.add(rs.getString(2));
                        case "state" -> states.computeIfAbsent(rs.getString(2), id -> new HashMap<>()).put(
                                rs.getString(3), new PurposeState(rs.getString(3), rs.getBoolean(4),
                                        rs.getTimestamp(5).toInstant(), rs.getString(6),
                                        LegalBasis.valueOf(rs.getString(7)), rs.getString(8)));
                        default -> defaults.put(rs.getString(3),
                                new PurposeDefaults(json.readValue(rs.getString(6), DEFAULTS)));
                    }
                },
                profileIds.toArray(String[]::new), workspaceId, workspaceId, workspaceId, keys, workspaceId, keys);
        return new DecisionInputs(redirects, known, states, defaults);
    }

    /** The decisions about {@code profileIds}, newest first. */
    List<StoredDecision> findFor(String workspaceId, Collection<String> profileIds) {
        return jdbc.query("""
                        SELECT id, profile_id, purposes, decision, basis::text, decided_at FROM consent_decisions
                        WHERE workspace_id = ? AND profile_id = ANY(?) ORDER BY decided_at DESC, id""",
                (rs, i) -> new StoredDecision(rs.getObject(1, UUID.class), rs.getString(2),
                        Arrays.asList((String[]) rs.getArray(3).getArray()), rs.getString(4),
                        json.readTree(rs.getString(5)), rs.getTimestamp(6).toInstant()),
                workspaceId, profileIds.toArray(String[]::new));
    }

    int deleteFor(String workspaceId, Collection<String> profileIds) {
        return jdbc.update("DELETE FROM consent_decisions WHERE workspace_id = ? AND profile_id = ANY(?)",
                workspaceId, profileIds.toArray(String[]::new));
    }

    /**
     * Deletes up to {@code limit} decisions of any workspace made before {@code cutoff}, in one
     * statement; returns how many. The oldest are found through {@code consent_decisions_decided_at}.
     */
    int deleteDecidedBefore(Instant cutoff, int limit) {
        return jdbc.update("""
                        DELETE FROM consent_decisions WHERE ctid IN (
                            SELECT ctid FROM consent_decisions WHERE decided_at < ? LIMIT ?)""",
                Timestamp.from(cutoff), limit);
    }

    Optional<StoredDecision> find(String workspaceId, UUID id) {
        return jdbc.query("""
                        SELECT id, profile_id, purposes, decision, basis::text, decided_at FROM consent_decisions
                        WHERE workspace_id = ? AND id = ?""",
                (rs, i) -> new StoredDecision(rs.getObject(1, UUID.class), rs.getString(2),
                        Arrays.asList((String[]) rs.getArray(3).getArray()), rs.getString(4),
                        json.readTree(rs.getString(5)), rs.getTimestamp(6).toInstant()),
                workspaceId, id).stream().findFirst();
    }
}
