package org.opencdp.kit.outbox;

import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.tracing.TraceContexts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactional outbox: {@link #append} writes a message in the caller's database transaction,
 * so the state change and the message it causes commit (or roll back) together. The {@link
 * OutboxRelay} publishes committed rows to Kafka in order. Each row keeps the trace context of the
 * operation that wrote it (an HTTP request's span, a consumer batch's span), which the relay sends on
 * as the {@code traceparent} header: one trace follows a message across the outbox.
 */
public class Outbox {

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;
    private final TraceContexts traces;

    Outbox(JdbcTemplate jdbc, OutboxRelay relay, TraceContexts traces) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.traces = traces;
    }

    /** Appends {@code message} to the outbox; must run inside a transaction. */
    public void append(CdpMessage message) {
        appendAll(List.of(message));
    }

    /** Appends {@code messages}, in order, with one statement; must run inside a transaction. */
    public void appendAll(List<? extends CdpMessage> messages) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Outbox.append must run inside the transaction of the state change");
        }
        if (messages.isEmpty()) {
            return;
        }
        int size = messages.size();
        UUID[] ids = new UUID[size];
        String[] topics = new String[size];
        String[] keys = new String[size];
        String[] types = new String[size];
        String[] payloads = new String[size];
        String[] subjects = new String[size];
        String[] workspaces = new String[size];
        String[] occurredAt = new String[size];
        for (int i = 0; i < size; i++) {
            CdpMessage message = messages.get(i);
            ids[i] = message.id();
            topics[i] = message.topic();
            keys[i] = message.key();
            types[i] = message.type();
            payloads[i] = MessageCodec.toJson(message);
            subjects[i] = message.subject();
            workspaces[i] = message.workspaceId();
            occurredAt[i] = message.occurredAt().toString();
        }
        // one statement for all rows; seq follows the list's order
        jdbc.update("""
                        INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, subject, workspace_id, occurred_at,
                                            traceparent)
                        SELECT id, topic, key, type, payload, subject, workspace_id, occurred_at, ?
                        FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                    ?::timestamptz[]) WITH ORDINALITY
                             AS m (id, topic, key, type, payload, subject, workspace_id, occurred_at, position)
                        ORDER BY position""",
                traces.current(), ids, topics, keys, types, payloads, subjects, workspaces, occurredAt);
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
