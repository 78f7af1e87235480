package org.opencdp.profile.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
 */
@Validated
@ConfigurationProperties("cdp.profile")
public record ProfileProperties(@Valid @DefaultValue Events events,
                                @Valid @DefaultValue Retention retention,
                                @Valid @DefaultValue ComputedTraits computedTraits) {

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
}
