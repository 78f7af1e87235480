package org.opencdp.identity.resolution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counts how events resolved and the merges they caused (issue 17): {@code
 * cdp_identity_resolutions_total{outcome}} and {@code cdp_identity_merges_total{rule}}. Every series
 * is registered at start-up, so a scrape shows it at 0 before the first event and a rate over it is
 * defined from the start. A chunk is counted once, after its transaction commits: a chunk retried
 * after losing a lock race, or rolled back, counts nothing, so the counters match the {@code
 * EventResolved} and {@code ProfilesMerged} messages published.
 */
@Component
class ResolutionMetrics {

    static final String RESOLUTIONS = "cdp.identity.resolutions";
    static final String MERGES = "cdp.identity.merges";

    /** The event created a profile: none of its identifiers was known. */
    static final String NEW_PROFILE = "new_profile";
    /** The event joined the one profile its known identifiers belong to. */
    static final String EXISTING_PROFILE = "existing_profile";
    /** The event's identifiers belonged to several profiles, which it merged. */
    static final String MERGED = "merged";

    private final Map<String, Counter> resolutions;
    private final Map<String, Counter> merges;

    ResolutionMetrics(MeterRegistry meters) {
        this.resolutions = Map.of(
                NEW_PROFILE, resolutions(meters, NEW_PROFILE),
                EXISTING_PROFILE, resolutions(meters, EXISTING_PROFILE),
                MERGED, resolutions(meters, MERGED));
        this.merges = Map.of(
                Resolution.RULE_FLAT_MATCHING, merges(meters, Resolution.RULE_FLAT_MATCHING),
                Resolution.RULE_ALIAS, merges(meters, Resolution.RULE_ALIAS));
    }

    /** Counts {@code resolved} once the caller's transaction commits (at once outside one). */
    void countAfterCommit(List<Resolution> resolved) {
        long created = resolved.stream().filter(Resolution::created).count();
        long merged = resolved.stream().filter(r -> r.merge() != null).count();
        long flat = resolved.stream()
                .filter(r -> r.merge() != null && Resolution.RULE_FLAT_MATCHING.equals(r.merge().rule())).count();
        Runnable count = () -> {
            resolutions.get(NEW_PROFILE).increment(created);
            resolutions.get(MERGED).increment(merged);
            resolutions.get(EXISTING_PROFILE).increment(resolved.size() - created - merged);
            merges.get(Resolution.RULE_FLAT_MATCHING).increment(flat);
            merges.get(Resolution.RULE_ALIAS).increment(merged - flat);
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count.run();
                }
            });
        } else {
            count.run();
        }
    }

    private static Counter resolutions(MeterRegistry meters, String outcome) {
        return Counter.builder(RESOLUTIONS).description("Events resolved to a profile, by how they resolved")
                .tag("outcome", outcome).register(meters);
    }

    private static Counter merges(MeterRegistry meters, String rule) {
        return Counter.builder(MERGES).description("Profile merges (ProfilesMerged published), by the rule that merged")
                .tag("rule", rule).register(meters);
    }
}
