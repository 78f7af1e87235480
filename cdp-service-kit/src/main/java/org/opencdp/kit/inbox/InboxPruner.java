package org.opencdp.kit.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes inbox rows older than {@code cdp.kit.inbox.retention}, a batch per statement, so the
 * inbox stays bounded. Age is measured behind the consumer's own latest applied chunk (its newest
 * {@code consumed_offset} row), not behind the wall clock: a consumer that stood still for a day
 * still remembers the ids of its last hour of work, which is where a relay's second copy of a
 * message would land. Kafka redeliveries do not need the ids at all (the consumed offsets catch
 * them). The delete goes by {@code processed_at}, which a BRIN index serves (rows arrive in that
 * order); a consumer without offsets (not a batch consumer) ages by the wall clock.
 */
public class InboxPruner extends BackgroundLoop {

    private final JdbcTemplate jdbc;
    private final KitProperties.Inbox settings;
    private final Counter pruned;

    public InboxPruner(JdbcTemplate jdbc, KitProperties properties, MeterRegistry meters) {
        super("inbox-pruner", properties.inbox().pruneInterval());
        this.jdbc = jdbc;
        this.settings = properties.inbox();
        this.pruned = Counter.builder("cdp.inbox.pruned").description("Inbox rows deleted after their retention")
                .register(meters);
    }

    @Override
    protected boolean runRound() {
        return prune() >= settings.pruneBatchSize();
    }

    /** Deletes one batch of expired rows; returns how many. */
    public int prune() {
        double retention = settings.retention().toSeconds();
        // the first bound (the newest chunk of any consumer) lets the BRIN index skip recent blocks;
        // the second is each row's own consumer
        int deleted = jdbc.update("""
                DELETE FROM inbox WHERE ctid IN (
                    SELECT i.ctid FROM inbox i
                    WHERE i.processed_at < coalesce((SELECT max(consumed_at) FROM consumed_offset), now())
                                           - make_interval(secs => ?)
                      AND i.processed_at < coalesce((SELECT max(o.consumed_at) FROM consumed_offset o
                                                     WHERE o.consumer = i.consumer), now())
                                           - make_interval(secs => ?)
                    LIMIT ?)""",
                retention, retention, settings.pruneBatchSize());
        pruned.increment(deleted);
        return deleted;
    }
}
