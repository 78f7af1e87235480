package org.opencdp.profile.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * The profile service's settings, under {@code cdp.profile.*}.
 *
 * @param events the Profile API's event history
 * @param retention how long events are kept, and the maintenance of the event store's partitions
 * @param computedTraits backfill and window decay of computed traits
 * @param privacy the exports of privacy requests
 */
@Validated
@ConfigurationProperties("cdp.profile")
public record ProfileProperties(@Valid @DefaultValue Events events,
                                @Valid @DefaultValue Retention retention,
                                @Valid @DefaultValue ComputedTraits computedTraits,
                                @Valid @DefaultValue Privacy privacy) {

    /**
     * @param defaultLimit events per page when the caller gives no {@code limit}
     * @param maxLimit the largest {@code limit} a caller may ask for
     */
    public record Events(@DefaultValue("50") @Min(1) int defaultLimit,
                         @DefaultValue("200") @Min(1) int maxLimit) {
    }

    /**
     * @param defaultRetention how long a workspace's events are kept unless it set its own
     *     retention ({@code cdp.profile.retention.default}, whole days, e.g. {@code 365d})
     * @param partitionsAhead monthly partitions created ahead of the current month
     * @param maintenanceEnabled whether the maintenance job runs on its own schedule
     * @param maintenanceInterval time between two maintenance runs (create partitions, drop and
     *     delete expired events)
     * @param maintenanceInitialDelay time from start-up to the first run
     * @param batchSize rows deleted per statement when deleting expired events and keys
     * @param lockTimeout how long partition DDL waits for its table locks before giving up until
     *     the next run
     */
    public record Retention(@Name("default") @DefaultValue("365d") @DurationMin(days = 1) Duration defaultRetention,
                            @DefaultValue("3") @Min(1) @Max(24) int partitionsAhead,
                            @DefaultValue("true") boolean maintenanceEnabled,
                            @DefaultValue("1h") Duration maintenanceInterval,
                            @DefaultValue("10s") Duration maintenanceInitialDelay,
                            @DefaultValue("10000") @Min(1) int batchSize,
                            @DefaultValue("5s") Duration lockTimeout) {

        /** The default retention in whole days. */
        public int defaultDays() {
            return (int) Math.min(Integer.MAX_VALUE, defaultRetention.toDays());
        }
    }

    /**
     * @param backfillBatchSize profiles backfilled per transaction
     * @param backfillInterval how often the backfill worker looks for definitions to backfill or
     *     delete
     * @param decayInterval how often values of windowed traits whose oldest event left the window
     *     are recomputed
     * @param decayBatchSize profiles recomputed per decay transaction
     */
    public record ComputedTraits(@DefaultValue("500") @Min(1) int backfillBatchSize,
                                 @DefaultValue("500ms") Duration backfillInterval,
                                 @DefaultValue("5s") Duration decayInterval,
                                 @DefaultValue("200") @Min(1) int decayBatchSize) {
    }

    /**
     * @param exportMaxBytes the most bytes of JSON a privacy export may take, whatever it holds, so
     *     the acknowledgement carrying it stays one Kafka record (1 MB by default); what does not fit
     *     is counted and the export marked {@code truncated} ({@code CDP_PROFILE_PRIVACY_EXPORT_MAX_BYTES})
     * @param exportMaxEvents the most events (newest first) an export reads; the byte budget usually
     *     ends the list sooner ({@code CDP_PROFILE_PRIVACY_EXPORT_MAX_EVENTS})
     * @param erasedRetention how long an erased profile's tombstone is kept, so that an event or merge
     *     still naming it changes nothing ({@code CDP_PROFILE_PRIVACY_ERASED_RETENTION}); it must outlast
     *     every way an old message can still arrive: the resolved events topic's retention (Kafka's
     *     default 7 days) and a dead-letter replay (kept 30 days)
     * @param pruneInterval how often expired tombstones are deleted ({@code CDP_PROFILE_PRIVACY_PRUNE_INTERVAL})
     */
    public record Privacy(@DefaultValue("800000") @Min(10_000) @Max(900_000) int exportMaxBytes,
                          @DefaultValue("10000") @Min(0) @Max(100_000) int exportMaxEvents,
                          @DefaultValue("45d") @NotNull Duration erasedRetention,
                          @DefaultValue("1h") @NotNull Duration pruneInterval) {
    }
}
