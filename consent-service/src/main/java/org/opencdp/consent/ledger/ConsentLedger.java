package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The consent ledger: records statements (append-only), keeps each profile's current state by event
 * time (a statement older than the state is kept in the history but changes nothing), and publishes
 * the profile's whole state as {@link ConsentChanged} through the outbox whenever the state changes.
 */
@Service
public class ConsentLedger {

    /** What to do with a statement that repeats the current state. */
    public enum Repeats {
        /** Record it: a deliberate statement (API) is history even when it confirms the state. */
        RECORD,
        /**
         * Skip it: events repeat the same preferences on every call (analytics.js sends them in each
         * event's context), and one ledger row per page view would bury the real changes.
         */
        SKIP
    }

    /**
     * What recording did.
     *
     * @param recorded statements appended to the ledger
     * @param stateChanged whether the current state changed (and {@link ConsentChanged} was published)
     */
    public record Recorded(int recorded, boolean stateChanged) {
    }

    private final ConsentRepository consent;
    private final SubjectService subjects;
    private final Outbox outbox;

    ConsentLedger(ConsentRepository consent, SubjectService subjects, Outbox outbox) {
        this.consent = consent;
        this.subjects = subjects;
        this.outbox = outbox;
    }

    /** Records {@code statements} about {@code profileId}; within the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Recorded record(String workspaceId, String profileId, List<ConsentStatement> statements, Repeats repeats) {
        consent.lockProfile(workspaceId, profileId);
        subjects.remember(workspaceId, profileId);
        Map<String, PurposeState> current = consent.findState(workspaceId, profileId);
        int recorded = 0;
        boolean changed = false;
        for (ConsentStatement statement : statements) {
            PurposeState state = current.get(statement.purpose());
            if (repeats == Repeats.SKIP && state != null && state.granted() == statement.granted()) {
                continue;
            }
            if (!consent.insertRecord(workspaceId, profileId, statement)) {
                continue;
            }
            recorded++;
            if (consent.applyToState(workspaceId, profileId, statement)) {
                changed = true;
                current.put(statement.purpose(), new PurposeState(statement.purpose(), statement.granted(),
                        statement.occurredAt(), statement.source(), statement.legalBasis(), statement.jurisdiction()));
            }
        }
        if (changed) {
            Map<String, Boolean> purposes = new TreeMap<>();
            consent.findState(workspaceId, profileId).forEach((purpose, state) -> purposes.put(purpose, state.granted()));
            outbox.append(new ConsentChanged(UUID.randomUUID(), workspaceId, Instant.now(), profileId, purposes));
        }
        return new Recorded(recorded, changed);
    }

    /** The profile's current state, purpose → state, sorted by purpose. */
    public Map<String, PurposeState> state(String workspaceId, String profileId) {
        return consent.findState(workspaceId, profileId);
    }

    /** The state of {@code purposes} for each of {@code profileIds} (profiles without any are absent). */
    public Map<String, Map<String, PurposeState>> states(String workspaceId, Collection<String> profileIds,
                                                         Collection<String> purposes) {
        return consent.findStates(workspaceId, profileIds, purposes);
    }

    /** The profile's ledger entries, newest (by event time) first. */
    public List<LedgerEntry> history(String workspaceId, String profileId, int limit) {
        return consent.findHistory(workspaceId, profileId, limit);
    }
}
