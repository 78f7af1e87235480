package org.opencdp.profile.computed;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.profile.computed.ComputedTraitDefinition.Status;
import org.opencdp.profile.computed.ValueRepository.Computed;
import org.opencdp.profile.config.ProfileProperties;
import org.opencdp.profile.profiles.ChangeVersions;
import org.opencdp.profile.profiles.ChangeVersions.Change;
import org.opencdp.profile.profiles.ProfileRef;
import org.opencdp.profile.profiles.ProfileService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Backfills new computed traits over the stored events, and removes the values of deleted ones, in
 * batches of profiles, one transaction per batch. Each batch takes the definition's hand-over locks
 * ({@link HandOverLocks}: no chunk of events over its event name runs meanwhile, so no event is
 * left to neither side), locks its profiles (in id order, the order every multi-profile lock uses),
 * computes their states in one SQL query, stores them and publishes a {@link ProfileChanged} per
 * profile with a value (one statement each), and moves the cursor, so the progress ({@code
 * processed} / {@code total}) is visible as it goes. A batch of a deleted trait locks the profiles
 * holding its values (in {@code ProfileRef.LOCK_ORDER}), deletes the values and publishes their
 * removal. Each batch's changes are numbered by {@link ChangeVersions} under those locks (issue 15),
 * so they take their place among the profiles' other changes. Any number of instances can run it: a
 * definition is claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
@Component
class BackfillWorker {

    private static final Logger log = LoggerFactory.getLogger(BackfillWorker.class);

    private final DefinitionRepository definitions;
    private final HandOverLocks locks;
    private final ValueRepository values;
    private final ComputedTraitService traits;
    private final ProfileService profiles;
    private final ChangeVersions versions;
    private final Outbox outbox;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int batchSize;

    BackfillWorker(DefinitionRepository definitions, HandOverLocks locks, ValueRepository values,
                   ComputedTraitService traits, ProfileService profiles, ChangeVersions versions, Outbox outbox,
                   JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock, ProfileProperties properties) {
        this.definitions = definitions;
        this.locks = locks;
        this.values = values;
        this.traits = traits;
        this.profiles = profiles;
        this.versions = versions;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.batchSize = properties.computedTraits().backfillBatchSize();
    }

    /** Works through batches until no definition has work left; returns the batches done. */
    int runUntilIdle() {
        int batches = 0;
        try {
            while (Boolean.TRUE.equals(transactions.execute(status -> runBatch()))) {
                batches++;
            }
        } catch (RuntimeException e) {
            log.warn("Computed-trait backfill failed, retrying on the next run: {}", e.getMessage());
        }
        return batches;
    }

    /** One batch of one definition's work; false when there was none. */
    private boolean runBatch() {
        var claimed = definitions.claimWork();
        if (claimed.isEmpty()) {
            return false;
        }
        ComputedTraitDefinition definition = claimed.get();
        locks.holdForBatch(new EventName(definition.workspaceId(), definition.event()));
        Instant now = clock.instant();
        if (definition.status() == Status.failed) {
            definitions.markFailed(definition.workspaceId(), definition.key(), now); // unreadable: nothing to backfill
        } else if (definition.status() == Status.deleting) {
            deleteBatch(definition);
        } else {
            backfillBatch(definition, now);
        }
        return true;
    }

    private void backfillBatch(ComputedTraitDefinition definition, Instant now) {
        List<String> profileIds = lockNextProfiles(definition);
        if (profileIds.isEmpty()) {
            definitions.markReady(definition.workspaceId(), definition.key(), now);
            log.info("Computed trait {} of workspace {} is ready ({} profiles)", definition.key(),
                    definition.workspaceId(), definition.processed());
            return;
        }
        Instant since = definition.windowLength().map(now::minus).orElse(null);
        Map<String, Computed> computed = values.compute(AggregateQuery.forProfiles(definition, profileIds, since));
        Map<String, JsonNode> stored = traits.storeComputed(definition, computed, now);
        publish(definition.workspaceId(), definition.key(), stored);
        definitions.advance(definition.workspaceId(), definition.key(), profileIds.getLast(),
                definition.processed() + profileIds.size(), now);
        if (profileIds.size() < batchSize) {
            definitions.markReady(definition.workspaceId(), definition.key(), now);
        }
    }

    private void deleteBatch(ComputedTraitDefinition definition) {
        String workspaceId = definition.workspaceId();
        List<String> holders = values.holdersOf(workspaceId, definition.key(), batchSize);
        // their removals are numbered among their other changes: locked first, in the one order (issue 15)
        profiles.lockExisting(holders.stream().map(id -> new ProfileRef(workspaceId, id)).toList());
        Map<String, JsonNode> removed = new TreeMap<>();
        values.deleteOf(workspaceId, definition.key(), holders).forEach(profileId -> removed.put(profileId, NullNode.getInstance()));
        publish(workspaceId, definition.key(), removed);
        if (holders.size() < batchSize) {
            definitions.delete(workspaceId, definition.key());
        }
    }

    /** The next live profiles (neither merged away nor erased) after the cursor, in id order, locked. */
    private List<String> lockNextProfiles(ComputedTraitDefinition definition) {
        String cursor = definition.backfillCursor();
        return cursor == null
                ? jdbc.queryForList("""
                        SELECT id FROM profiles WHERE workspace_id = ? AND merged_into IS NULL AND erased_at IS NULL
                        ORDER BY id LIMIT ? FOR UPDATE""", String.class, definition.workspaceId(), batchSize)
                : jdbc.queryForList("""
                        SELECT id FROM profiles WHERE workspace_id = ? AND id > ? AND merged_into IS NULL AND erased_at IS NULL
                        ORDER BY id LIMIT ? FOR UPDATE""", String.class, definition.workspaceId(), cursor, batchSize);
    }

    /**
     * One {@link ProfileChanged} per profile with the trait's new value, numbered under the batch's
     * locks (issue 15), in one statement.
     */
    private void publish(String workspaceId, String key, Map<String, JsonNode> valueByProfile) {
        outbox.appendAll(versions.number(valueByProfile.entrySet().stream().map(entry -> new Change(UUID.randomUUID(),
                new ProfileRef(workspaceId, entry.getKey()), Map.of(), Collections.singletonMap(key, entry.getValue())))
                .toList()));
    }
}
