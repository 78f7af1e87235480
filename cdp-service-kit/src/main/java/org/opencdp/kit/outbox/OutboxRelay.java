package org.opencdp.kit.outbox;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once Kafka acknowledged
 * them. One relay per service schema publishes at a time (a transaction-scoped advisory lock), so
 * rows leave in commit order per key even with many instances; the idempotent producer keeps that
 * order on the partition. A crash after the send and before the delete publishes a row again,
 * which consumers absorb through their inbox: at-least-once delivery, exactly-once effect.
 */
class OutboxRelay extends BackgroundLoop {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, String> kafka;
    private final KitProperties.Outbox settings;
    private final String source;
    private final Counter published;

    OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, KafkaTemplate<String, String> kafka,
                KitProperties properties, MeterRegistry meters) {
        super("outbox-relay", properties.outbox().pollInterval());
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.source = CloudEventHeaders.sourceOf(properties.service());
        this.published = Counter.builder("cdp.outbox.published").description("Outbox rows published to Kafka")
                .register(meters);
    }

    @Override
    protected boolean runRound() {
        return publishBatch() >= settings.batchSize();
    }

    /** Publishes one batch; returns how many rows it published (0 when another instance holds the lock). */
    int publishBatch() {
        Integer count = transactions.execute(status -> {
            Boolean locked = jdbc.queryForObject(
                    "SELECT pg_try_advisory_xact_lock(hashtext('opencdp.outbox.' || current_schema()))", Boolean.class);
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<Row> rows = jdbc.query("""
                            SELECT seq, id, aggregatetype, aggregateid, type, payload, subject, workspace_id, occurred_at
                            FROM outbox ORDER BY seq LIMIT ?""",
                    (rs, i) -> new Row(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9, OffsetDateTime.class).toInstant().toString()),
                    settings.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                sends.add(kafka.send(row.toRecord(source)));
            }
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                        .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not acknowledge the outbox batch", e);
            }
            Long[] seqs = rows.stream().map(Row::seq).toArray(Long[]::new);
            jdbc.update(con -> {
                var statement = con.prepareStatement("DELETE FROM outbox WHERE seq = ANY (?)");
                statement.setArray(1, con.createArrayOf("bigint", seqs));
                return statement;
            });
            return rows.size();
        });
        int published = count == null ? 0 : count;
        this.published.increment(published);
        return published;
    }

    private record Row(long seq, UUID id, String topic, String key, String type, String payload, String subject,
                       String workspaceId, String occurredAt) {

        ProducerRecord<String, String> toRecord(String source) {
            var record = new ProducerRecord<String, String>(topic, key, payload);
            header(record, CloudEventHeaders.SPEC_VERSION, "1.0");
            header(record, CloudEventHeaders.ID, id.toString());
            header(record, CloudEventHeaders.TYPE, type);
            header(record, CloudEventHeaders.SOURCE, source);
            header(record, CloudEventHeaders.TIME, occurredAt);
            header(record, CloudEventHeaders.SUBJECT, subject);
            header(record, CloudEventHeaders.WORKSPACE, workspaceId);
            header(record, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
            return record;
        }

        private static void header(ProducerRecord<String, String> record, String name, String value) {
            record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
