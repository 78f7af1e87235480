package org.opencdp.profile.computed;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.profile.config.ProfileProperties;
import org.opencdp.profile.profiles.ChangeVersions;
import org.opencdp.profile.profiles.ChangeVersions.Change;
import org.opencdp.profile.profiles.ProfileRef;
import org.opencdp.profile.profiles.ProfileService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Makes sliding windows slide when no event arrives: every value of a windowed trait carries
 * {@code expires_at}, the time its oldest counted event leaves the window. This job recomputes the
 * values whose time came (one transaction per profile, under the profile's lock), stores the next
 * expiry, and publishes the changed values, numbered by {@link ChangeVersions} under that lock
 * (issue 15). A value is at most one {@code decay-interval} late.
 * Instances may run it at once: the profile lock serialises them and the second finds nothing due.
 */
@Component
class DecayWorker {

    private static final Logger log = LoggerFactory.getLogger(DecayWorker.class);

    private final DefinitionRepository definitions;
    private final ValueRepository values;
    private final ComputedTraitService traits;
    private final ProfileService profiles;
    private final ChangeVersions versions;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int batchSize;

    DecayWorker(DefinitionRepository definitions, ValueRepository values, ComputedTraitService traits,
                ProfileService profiles, ChangeVersions versions, Outbox outbox, TransactionTemplate transactions,
                Clock clock, ProfileProperties properties) {
        this.definitions = definitions;
        this.values = values;
        this.traits = traits;
        this.profiles = profiles;
        this.versions = versions;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
        this.batchSize = properties.computedTraits().decayBatchSize();
    }

    /** Recomputes every value due now; returns how many profiles changed. */
    int runUntilIdle() {
        int changedProfiles = 0;
        try {
            while (true) {
                Instant now = clock.instant();
                List<ValueRepository.Due> due = values.due(now, batchSize);
                for (ValueRepository.Due profile : due) {
                    Boolean changed = transactions.execute(status -> decay(profile, now));
                    changedProfiles += Boolean.TRUE.equals(changed) ? 1 : 0;
                }
                if (due.size() < batchSize) {
                    return changedProfiles;
                }
            }
        } catch (RuntimeException e) {
            log.warn("Computed-trait decay failed, retrying on the next run: {}", e.getMessage());
            return changedProfiles;
        }
    }

    private boolean decay(ValueRepository.Due due, Instant now) {
        boolean live = profiles.lockLive(due.workspaceId(), due.profileId()).isPresent();
        Map<String, JsonNode> changed = new TreeMap<>();
        for (String key : values.dueKeys(due.workspaceId(), due.profileId(), now)) {
            var definition = definitions.find(due.workspaceId(), key)
                    .filter(d -> live && d.window() != null && d.tracksIncrementally(due.profileId()));
            if (definition.isPresent()) {
                traits.recompute(definition.get(), due.profileId(), now).ifPresent(value -> changed.put(key, value));
            } else {
                values.clearExpiry(due.workspaceId(), due.profileId(), key); // being deleted: nothing to decay
            }
        }
        if (changed.isEmpty()) {
            return false;
        }
        // numbered under the profile's lock, taken above (issue 15)
        outbox.appendAll(versions.number(List.of(new Change(UUID.randomUUID(),
                new ProfileRef(due.workspaceId(), due.profileId()), Map.of(), changed))));
        return true;
    }
}
