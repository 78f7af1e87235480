package org.opencdp.kit.inbox;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The idempotent-consumer inbox: message ids a consumer applied, written inside the transaction of
 * the effect, so a message published twice (an outbox relay that sent a row again) is recognised
 * and skipped. The kit's {@code BatchConsumer} is its caller; ids are kept for
 * {@code cdp.kit.inbox.retention} ({@link InboxPruner}).
 */
public class Inbox {

    private final JdbcTemplate jdbc;

    public Inbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records every id in one statement, in id order (so concurrent batches lock inbox keys in one
     * fixed order), and returns those seen for the first time (the others were processed before and
     * must be skipped).
     */
    public Set<UUID> firstDeliveries(String consumer, Collection<UUID> messageIds) {
        requireTransaction();
        if (messageIds.isEmpty()) {
            return Set.of();
        }
        List<UUID> inserted = jdbc.query(connection -> {
            var statement = connection.prepareStatement("""
                    INSERT INTO inbox (consumer, message_id)
                    SELECT ?, id FROM (SELECT DISTINCT id FROM unnest(?::uuid[]) AS id) ids ORDER BY id
                    ON CONFLICT (consumer, message_id) DO NOTHING
                    RETURNING message_id""");
            statement.setString(1, consumer);
            statement.setArray(2, connection.createArrayOf("uuid", messageIds.toArray()));
            return statement;
        }, (rs, i) -> rs.getObject(1, UUID.class));
        return Set.copyOf(inserted);
    }

    private static void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("The inbox must be written inside the transaction of the effect");
        }
    }
}
