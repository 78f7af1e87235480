package org.opencdp.kit.inbox;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The idempotent-consumer inbox. Call {@link #firstDelivery} inside the transaction that applies
 * the message's effect: the inbox row and the effect commit together, so a message delivered again
 * (consumer restart, rebalance, producer retry) is recognised and skipped.
 */
public class Inbox {

    private final JdbcTemplate jdbc;

    public Inbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records that {@code consumer} processes {@code messageId}. Returns {@code false} when it
     * already did, in which case the caller must do nothing.
     */
    public boolean firstDelivery(String consumer, UUID messageId) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Inbox.firstDelivery must run inside the transaction of the effect");
        }
        int inserted = jdbc.update("""
                INSERT INTO inbox (consumer, message_id) VALUES (?, ?)
                ON CONFLICT (consumer, message_id) DO NOTHING""", consumer, messageId);
        return inserted == 1;
    }
}
