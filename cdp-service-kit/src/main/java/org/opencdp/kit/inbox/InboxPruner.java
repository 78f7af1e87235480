package org.opencdp.kit.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes inbox rows older than {@code cdp.kit.inbox.retention}, a batch per statement, so the
 * inbox does not grow for ever. A message redelivered after that would be processed again, which
 * is why the retention must outlast the retention of the topics the service consumes. The delete
 * goes by {@code processed_at}, which a BRIN index serves (rows arrive in that order).
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
        int deleted = jdbc.update("""
                DELETE FROM inbox WHERE ctid IN (
                    SELECT ctid FROM inbox WHERE processed_at < now() - make_interval(secs => ?) LIMIT ?)""",
                (double) settings.retention().toSeconds(), settings.pruneBatchSize());
        pruned.increment(deleted);
        return deleted;
    }
}
