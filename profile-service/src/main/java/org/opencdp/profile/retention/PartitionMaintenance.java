package org.opencdp.profile.retention;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.opencdp.profile.config.ProfileProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The event store's retention job, run on a schedule by every instance. Each step is its own short
 * transaction and idempotent: partition DDL takes this schema's maintenance advisory lock (an
 * instance that cannot get it leaves the step to the one that has it) and a lock timeout (a
 * partition that cannot be created or dropped now is retried on the next run); deletes go in
 * batches. Steps, per {@link RetentionPlan}: create the missing monthly partitions (moving rows of
 * their month out of the default partition), delete expired rows of the default partition, drop the
 * partitions wholly before the horizon, forget the de-duplication keys before the horizon, and
 * delete the expired rows of workspaces whose retention is shorter than the longest.
 */
@Component
public class PartitionMaintenance {

    /** What one run did. */
    public record Report(List<String> created, int movedFromDefault, List<String> dropped, int deletedEvents,
                         int deletedKeys, boolean skipped) {
    }

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);
    private static final int ALREADY_DONE = -1;

    private final PartitionRepository partitions;
    private final RetentionSettingsService settings;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ProfileProperties.Retention config;

    PartitionMaintenance(PartitionRepository partitions, RetentionSettingsService settings,
                         TransactionTemplate transactions, Clock clock, ProfileProperties properties) {
        this.partitions = partitions;
        this.settings = settings;
        this.transactions = transactions;
        this.clock = clock;
        this.config = properties.retention();
    }

    /** The scheduled run: now, with the configured number of partitions ahead. */
    public Report run() {
        try {
            return run(clock.instant(), config.partitionsAhead());
        } catch (RuntimeException e) {
            log.warn("Event store maintenance failed, retrying on the next run: {}", e.getMessage());
            return new Report(List.of(), 0, List.of(), 0, 0, true);
        }
    }

    /** One run as of {@code now}. */
    public Report run(Instant now, int partitionsAhead) {
        Map<String, Integer> workspaceDays = settings.workspaceDays();
        RetentionPlan plan = RetentionPlan.of(now, settings.defaultDays(), workspaceDays,
                RetentionPlan.months(partitions.partitions()), partitionsAhead);
        List<String> created = new ArrayList<>();
        int moved = 0;
        for (YearMonth month : plan.create()) {
            String name = RetentionPlan.partitionName(month);
            // another instance may have created it since the plan was made: look again under the lock
            Integer rows = ddl(() -> partitions.partitions().contains(name) ? ALREADY_DONE : partitions.createMonth(month));
            if (rows == null) {
                return new Report(created, moved, List.of(), 0, 0, true);
            }
            if (rows != ALREADY_DONE) {
                created.add(name);
                moved += rows;
            }
        }
        int deletedEvents = batches(() -> partitions.purgeDefault(plan.horizon(), config.batchSize()));
        List<String> dropped = new ArrayList<>();
        for (YearMonth month : plan.drop()) {
            String name = RetentionPlan.partitionName(month);
            Integer done = ddl(() -> {
                if (!partitions.partitions().contains(name)) {
                    return ALREADY_DONE;
                }
                partitions.dropMonth(month);
                return 0;
            });
            if (done == null) {
                return new Report(created, moved, dropped, deletedEvents, 0, true);
            }
            if (done != ALREADY_DONE) {
                dropped.add(name);
            }
        }
        int deletedKeys = batches(() -> partitions.purgeKeys(plan.horizon(), config.batchSize()));
        for (Map.Entry<String, Instant> workspace : plan.shorter().entrySet()) {
            deletedEvents += batches(() -> partitions.purgeWorkspace(workspace.getKey(), workspace.getValue(),
                    config.batchSize()));
        }
        if (plan.defaultCutoff().isPresent()) {
            for (String workspaceId : partitions.workspacesOnDefault()) {
                deletedEvents += batches(() -> partitions.purgeWorkspace(workspaceId, plan.defaultCutoff().get(),
                        config.batchSize()));
            }
        }
        if (!created.isEmpty() || !dropped.isEmpty() || deletedEvents > 0) {
            log.info("Event store maintenance: created {} ({} rows moved from the default partition), dropped {}, "
                    + "deleted {} expired events and {} keys", created, moved, dropped, deletedEvents, deletedKeys);
        }
        return new Report(created, moved, dropped, deletedEvents, deletedKeys, false);
    }

    /** Runs DDL under the maintenance lock; null when another instance holds the lock. */
    private Integer ddl(IntSupplier step) {
        return transactions.execute(status -> {
            if (!partitions.tryLock()) {
                return null;
            }
            partitions.lockTimeout(config.lockTimeout());
            return step.getAsInt();
        });
    }

    /** Repeats a batched delete (one transaction each) until a batch comes back short; returns the total. */
    private int batches(IntSupplier batch) {
        int total = 0;
        while (true) {
            Integer deleted = transactions.execute(status -> batch.getAsInt());
            int count = deleted == null ? 0 : deleted;
            total += count;
            if (count < config.batchSize()) {
                return total;
            }
        }
    }
}
