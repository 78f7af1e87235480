package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.consent.audit.AuditAction;
import org.opencdp.consent.audit.AuditEntry;
import org.opencdp.consent.audit.AuditLog;
import org.opencdp.consent.subjects.KnownProfile;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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
    private final AuditLog audit;
    private final JsonMapper json;

    ConsentLedger(ConsentRepository consent, SubjectService subjects, Outbox outbox, AuditLog audit, JsonMapper json) {
        this.consent = consent;
        this.subjects = subjects;
        this.outbox = outbox;
        this.audit = audit;
        this.json = json;
    }

    /** Records {@code statements} about {@code profileId}; within the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Recorded record(String workspaceId, String profileId, List<ConsentStatement> statements, Repeats repeats) {
        ProfileRef profile = new ProfileRef(workspaceId, profileId);
        consent.lockProfiles(List.of(profile));
        requireNotMergedAway(List.of(profile));
        subjects.remember(workspaceId, profileId);
        return apply(List.of(new StatedConsent(profile, statements)), repeats);
    }

    /**
     * Records what each of a chunk's events states, in order, as if one at a time, with {@link
     * Repeats#SKIP}; within the caller's transaction. The caller records that the profiles exist.
     * Statements: the profiles' locks, their state, the statements already recorded, the ledger
     * rows, the state rows, the outbox: six, however many events.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void recordEvents(List<StatedConsent> stated) {
        if (stated.isEmpty()) {
            return;
        }
        Set<ProfileRef> profiles = new TreeSet<>(stated.stream().map(StatedConsent::profile).toList());
        consent.lockProfiles(profiles);
        requireNotMergedAway(profiles);
        apply(stated, Repeats.SKIP);
    }

    /**
     * Serialises changes to the consent of {@code profileIds} until the transaction ends (the lock
     * every write of this ledger takes first, in one fixed order).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lock(String workspaceId, Collection<String> profileIds) {
        consent.lockProfiles(profileIds.stream().map(id -> new ProfileRef(workspaceId, id)).toList());
    }

    /**
     * Folds the consent of {@code mergedIds} into {@code survivorId} (issue 12; {@link ConsentMerge}
     * has the rules): the survivor's state becomes the latest statement per purpose across all of
     * them, the merged profiles keep no state of their own (they redirect), and {@link
     * ConsentChanged} is published for the survivor when its state changed and for every merged
     * profile that had a state (now the survivor's). The ledger rows stay where they were stated;
     * the survivor's history reads them through the redirects. The caller holds the locks of all
     * the profiles ({@link #lock}). Returns the purposes whose state changed on the survivor.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Set<String> absorb(String workspaceId, String survivorId, List<String> mergedIds) {
        ProfileRef survivor = new ProfileRef(workspaceId, survivorId);
        List<ProfileRef> merged = mergedIds.stream().sorted().map(id -> new ProfileRef(workspaceId, id)).toList();
        Set<ProfileRef> all = new TreeSet<>(merged);
        all.add(survivor);
        Map<ProfileRef, Map<String, PurposeState>> states = consent.findStates(all);
        Map<String, PurposeState> before = states.getOrDefault(survivor, Map.of());
        Map<String, PurposeState> after = ConsentMerge.merge(before,
                merged.stream().map(profile -> states.getOrDefault(profile, Map.<String, PurposeState>of())).toList());
        List<ConsentFold.StateRow> rows = after.values().stream()
                .filter(state -> !state.equals(before.get(state.purpose())))
                .map(state -> new ConsentFold.StateRow(survivor, state))
                .toList();
        if (!rows.isEmpty()) {
            consent.upsertStates(rows);
        }
        consent.deleteStates(workspaceId, mergedIds);
        Map<String, Boolean> purposes = new TreeMap<>();
        after.forEach((purpose, state) -> purposes.put(purpose, state.granted()));
        Instant now = Instant.now();
        List<ConsentChanged> changes = new ArrayList<>();
        if (!rows.isEmpty()) {
            changes.add(new ConsentChanged(UUID.randomUUID(), workspaceId, now, survivorId, purposes));
        }
        merged.stream().filter(states::containsKey).forEach(profile -> changes.add(
                new ConsentChanged(UUID.randomUUID(), workspaceId, now, profile.profileId(), purposes)));
        outbox.appendAll(changes);
        Set<String> changed = new TreeSet<>();
        rows.forEach(row -> changed.add(row.state().purpose()));
        return changed;
    }

    /**
     * What erasing a person removed from the ledger.
     *
     * @param statements ledger rows deleted
     * @param states current-state rows deleted
     */
    public record Erased(int statements, int states) {
    }

    /**
     * Erases the consent of {@code profileIds} (a person's ids, issue 12): their ledger rows and
     * current state, and publishes an empty state for each that had one, so readers of the compacted
     * topic forget it too. The caller holds their locks ({@link #lock}).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Erased erase(String workspaceId, Collection<String> profileIds) {
        Set<ProfileRef> profiles = new TreeSet<>(profileIds.stream().map(id -> new ProfileRef(workspaceId, id)).toList());
        Set<ProfileRef> withState = consent.findStates(profiles).keySet();
        int statements = consent.deleteRecords(workspaceId, profileIds);
        int states = consent.deleteStates(workspaceId, profileIds);
        Instant now = Instant.now();
        outbox.appendAll(withState.stream().sorted()
                .map(profile -> new ConsentChanged(UUID.randomUUID(), workspaceId, now, profile.profileId(), Map.of()))
                .toList());
        return new Erased(statements, states);
    }

    /** The current state of each of {@code profileIds} that has one: profile → purpose → state. */
    public Map<String, Map<String, PurposeState>> statesOf(String workspaceId, Collection<String> profileIds) {
        Map<String, Map<String, PurposeState>> states = new TreeMap<>();
        consent.findStates(profileIds.stream().map(id -> new ProfileRef(workspaceId, id)).toList())
                .forEach((profile, state) -> states.put(profile.profileId(), state));
        return states;
    }

    /**
     * After the locks: a profile merged away meanwhile must not get state of its own again. The
     * caller resolved the ids before locking; the merge committed in between, so the work is run
     * again (the kit's consumer re-runs the chunk; the API retries), now on the survivor.
     */
    private void requireNotMergedAway(Collection<ProfileRef> profiles) {
        if (!subjects.mergedAway(profiles.stream().map(p -> new KnownProfile(p.workspaceId(), p.profileId()))
                .toList()).isEmpty()) {
            throw new ConcurrencyFailureException("A profile was merged away while its consent was being recorded");
        }
    }

    /** Folds {@code stated} over the locked profiles' state and writes the result. */
    private Recorded apply(List<StatedConsent> stated, Repeats repeats) {
        Set<ProfileRef> profiles = new TreeSet<>(stated.stream().map(StatedConsent::profile).toList());
        ConsentFold fold = new ConsentFold(consent.findStates(profiles), consent.findRecorded(stated), repeats);
        stated.forEach(fold::apply);
        List<ConsentFold.LedgerRecord> records = fold.records();
        if (!records.isEmpty() && consent.insertRecords(records) != records.size()) {
            // another transaction recorded one of these events' statements since we read the ledger
            // (the same messageId resolved to another profile): run again, on what it committed
            throw new ConcurrencyFailureException("A consent statement was recorded concurrently");
        }
        audit.append(records.stream().map(this::auditEntry).toList());
        List<ConsentFold.StateRow> rows = fold.stateRows();
        if (!rows.isEmpty()) {
            consent.upsertStates(rows);
        }
        Instant now = Instant.now();
        outbox.appendAll(fold.snapshots().stream()
                .map(snapshot -> new ConsentChanged(UUID.randomUUID(), snapshot.profile().workspaceId(), now,
                        snapshot.profile().profileId(), snapshot.purposes()))
                .toList());
        return new Recorded(records.size(), !rows.isEmpty());
    }

    /** The audit entry of a statement appended to the ledger. */
    private AuditEntry auditEntry(ConsentFold.LedgerRecord record) {
        ConsentStatement statement = record.statement();
        ObjectNode details = json.createObjectNode()
                .put("ledgerId", record.id().toString())
                .put("purpose", statement.purpose())
                .put("granted", statement.granted())
                .put("source", statement.source())
                .put("legalBasis", statement.legalBasis().name())
                .put("jurisdiction", statement.jurisdiction())
                .put("occurredAt", statement.occurredAt().toString());
        if (statement.eventMessageId() != null) {
            details.put("eventMessageId", statement.eventMessageId().toString());
        }
        if (statement.eventId() != null) {
            details.put("eventId", statement.eventId());
        }
        return new AuditEntry(UUID.randomUUID(), record.profile().workspaceId(), AuditAction.consent_recorded,
                record.profile().profileId(), null, statement.source(), details);
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

    /** The ledger entries of {@code profileIds} (a person's ids), newest (by event time) first. */
    public List<LedgerEntry> history(String workspaceId, Collection<String> profileIds, int limit) {
        return consent.findHistory(workspaceId, profileIds, limit);
    }
}
