package org.opencdp.kit.outbox;

import java.sql.Timestamp;
import java.util.List;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.MessageCodec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactional outbox: {@link #append} writes a message in the caller's database transaction,
 * so the state change and the message it causes commit (or roll back) together. The {@link
 * OutboxRelay} publishes committed rows to Kafka in order.
 */
public class Outbox {

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;

    Outbox(JdbcTemplate jdbc, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.relay = relay;
    }

    /** Appends {@code message} to the outbox; must run inside a transaction. */
    public void append(CdpMessage message) {
        appendAll(List.of(message));
    }

    /** Appends {@code messages}, in order, in one JDBC batch; must run inside a transaction. */
    public void appendAll(List<? extends CdpMessage> messages) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Outbox.append must run inside the transaction of the state change");
        }
        if (messages.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                        INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, subject, workspace_id, occurred_at)
                        VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)""",
                messages.stream().map(message -> new Object[] {message.id(), message.topic(), message.key(),
                        message.type(), MessageCodec.toJson(message), message.subject(), message.workspaceId(),
                        Timestamp.from(message.occurredAt())}).toList());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    relay.wakeUp();
                }
            });
        }
    }
}
