package org.opencdp.consent.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The ledger's rules, applied in memory to statements in the order they were made, so that a chunk
 * of events gets exactly the result of recording them one at a time (later events of a profile see
 * what earlier ones did). The caller reads the profiles' state and the already-recorded keys before,
 * and writes {@link #records()}, {@link #stateRows()} and {@link #snapshots()} after.
 *
 * <ol>
 *   <li>With {@link ConsentLedger.Repeats#SKIP}, a statement that repeats the current state is no
 *       new statement: not recorded.</li>
 *   <li>An event's statement about a purpose is recorded once: not when the ledger (or an earlier
 *       event of the chunk) holds it under the same resolved message id or the same {@code messageId}.</li>
 *   <li>A recorded statement becomes the current state unless the state holds a later one by event
 *       time; at equal times the statement recorded later wins. An older statement stays in the
 *       ledger as history.</li>
 *   <li>Each {@link StatedConsent} that changed the state yields a snapshot of the profile's whole
 *       state after it, in order.</li>
 * </ol>
 */
final class ConsentFold {

    private final Map<ProfileRef, TreeMap<String, PurposeState>> states = new HashMap<>();
    private final RecordedKeys recorded;
    private final ConsentLedger.Repeats repeats;
    private final List<LedgerRecord> records = new ArrayList<>();
    private final TreeMap<ProfileRef, TreeMap<String, PurposeState>> changed = new TreeMap<>();
    private final List<Snapshot> snapshots = new ArrayList<>();

    /**
     * @param states the current state of the profiles the statements are about (absent: none yet)
     * @param recorded the event statements the ledger already holds; it is added to as statements are recorded
     */
    ConsentFold(Map<ProfileRef, ? extends Map<String, PurposeState>> states, RecordedKeys recorded,
                ConsentLedger.Repeats repeats) {
        states.forEach((profile, state) -> this.states.put(profile, new TreeMap<>(state)));
        this.recorded = recorded;
        this.repeats = repeats;
    }

    /** Applies one event's (or one API call's) statements after everything applied before. */
    void apply(StatedConsent stated) {
        ProfileRef profile = stated.profile();
        TreeMap<String, PurposeState> current = states.computeIfAbsent(profile, p -> new TreeMap<>());
        boolean stateChanged = false;
        for (ConsentStatement statement : stated.statements()) {
            PurposeState state = current.get(statement.purpose());
            if (repeats == ConsentLedger.Repeats.SKIP && state != null && state.granted() == statement.granted()) {
                continue;
            }
            if (!recorded.addIfNew(profile.workspaceId(), statement)) {
                continue;
            }
            records.add(new LedgerRecord(UUID.randomUUID(), profile, statement));
            if (state == null || !state.occurredAt().isAfter(statement.occurredAt())) {
                PurposeState next = new PurposeState(statement.purpose(), statement.granted(), statement.occurredAt(),
                        statement.source(), statement.legalBasis(), statement.jurisdiction());
                current.put(statement.purpose(), next);
                changed.computeIfAbsent(profile, p -> new TreeMap<>()).put(statement.purpose(), next);
                stateChanged = true;
            }
        }
        if (stateChanged) {
            Map<String, Boolean> purposes = new TreeMap<>();
            current.forEach((purpose, state) -> purposes.put(purpose, state.granted()));
            snapshots.add(new Snapshot(profile, purposes));
        }
    }

    /** The statements to append to the ledger, in the order they were made. */
    List<LedgerRecord> records() {
        return List.copyOf(records);
    }

    /** The final state of every (profile, purpose) that changed, in (workspace, profile, purpose) order. */
    List<StateRow> stateRows() {
        List<StateRow> rows = new ArrayList<>();
        changed.forEach((profile, purposes) -> purposes.values().forEach(state -> rows.add(new StateRow(profile, state))));
        return rows;
    }

    /** The whole state of a profile after each change, in the order of the changes. */
    List<Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** A statement to append to the ledger under {@code id}. */
    record LedgerRecord(UUID id, ProfileRef profile, ConsentStatement statement) {
    }

    /** The current state of one purpose of a profile, to write. */
    record StateRow(ProfileRef profile, PurposeState state) {
    }

    /** A profile's whole state after a change: purpose → granted, sorted by purpose. */
    record Snapshot(ProfileRef profile, Map<String, Boolean> purposes) {

        Snapshot {
            purposes = Collections.unmodifiableMap(new TreeMap<>(purposes));
        }
    }
}
