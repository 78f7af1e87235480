package org.opencdp.kit.outbox;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.tracing.KafkaTraceHeaders;
import org.opencdp.kit.tracing.TraceContexts;
import org.opencdp.kit.work.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once Kafka acknowledged
 * them. One relay per service schema publishes at a time (a transaction-scoped advisory lock), so
 * rows leave in commit order per key even with many instances; the idempotent producer keeps that
 * order on the partition. A crash after the send and before the delete publishes a row again,
 * which consumers absorb through their inbox: at-least-once delivery, exactly-once effect.
 *
 * <p>A row Kafka refuses for good ({@link #refusedForGood}: e.g. a record over the broker's size
 * limit, an invalid topic) is moved to {@code outbox_parked} with the reason, counted in {@code
 * cdp_outbox_parked_total} and logged at ERROR, and the relay goes on with the rows after it; before,
 * one such row stalled the relay for good. Any other failure leaves the batch to be sent again.
 *
 * <p>A row written inside a traced operation is sent in a producer span ({@code send <topic>}) that
 * continues the row's stored trace context, and carries that span's {@code traceparent} header.
 */
class OutboxRelay extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, String> kafka;
    private final KitProperties.Outbox settings;
    private final String source;
    private final Counter published;
    private final MeterRegistry meters;
    private final TraceContexts traces;

    OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, KafkaTemplate<String, String> kafka,
                KitProperties properties, MeterRegistry meters, TraceContexts traces) {
        super("outbox-relay", properties.outbox().pollInterval());
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.source = CloudEventHeaders.sourceOf(properties.service());
        this.meters = meters;
        this.traces = traces;
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
                            SELECT seq, id, aggregatetype, aggregateid, type, payload, subject, workspace_id, occurred_at,
                                   traceparent
                            FROM outbox ORDER BY seq LIMIT ?""",
                    (rs, i) -> new Row(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9, OffsetDateTime.class).toInstant().toString(), rs.getString(10)),
                    settings.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                sends.add(send(row));
            }
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                        .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException someFailed) {
                // each send is looked at below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Kafka", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not acknowledge the outbox batch", e);
            }
            List<Long> sent = new ArrayList<>(rows.size());
            List<Long> refused = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Throwable failure = failureOf(sends.get(i));
                if (failure == null) {
                    sent.add(rows.get(i).seq());
                } else if (refusedForGood(failure)) {
                    refused.add(rows.get(i).seq());
                    reasons.add(reason(failure));
                    log.error("Kafka refused outbox row {} (message {}, {} for {}) for good: {}; parked in outbox_parked, "
                                    + "the relay goes on", rows.get(i).seq(), rows.get(i).id(), rows.get(i).type(),
                            rows.get(i).topic(), reasons.getLast());
                } else {
                    // the broker may take it later: nothing is deleted, the batch is sent again in order
                    throw new IllegalStateException("Kafka did not acknowledge the outbox batch", failure);
                }
            }
            if (!refused.isEmpty()) {
                jdbc.update("""
                                INSERT INTO outbox_parked (seq, id, aggregatetype, aggregateid, type, payload, subject,
                                                           workspace_id, occurred_at, created_at, reason, traceparent)
                                SELECT o.seq, o.id, o.aggregatetype, o.aggregateid, o.type, o.payload, o.subject,
                                       o.workspace_id, o.occurred_at, o.created_at, r.reason, o.traceparent
                                FROM outbox o JOIN unnest(?::bigint[], ?::text[]) AS r (seq, reason) ON r.seq = o.seq
                                ON CONFLICT (seq) DO NOTHING""",
                        refused.toArray(Long[]::new), reasons.toArray(String[]::new));
                reasons.forEach(reason -> parked(reason).increment());
            }
            List<Long> done = new ArrayList<>(sent);
            done.addAll(refused);
            Long[] seqs = done.toArray(Long[]::new);
            jdbc.update(con -> {
                var statement = con.prepareStatement("DELETE FROM outbox WHERE seq = ANY (?)");
                statement.setArray(1, con.createArrayOf("bigint", seqs));
                return statement;
            });
            return sent.size();
        });
        int published = count == null ? 0 : count;
        this.published.increment(published);
        return published;
    }

    private CompletableFuture<?> send(Row row) {
        ProducerRecord<String, String> record = row.toRecord(source);
        Span span = row.traceparent() == null ? null : traces.continuing(row.traceparent()).kind(Span.Kind.PRODUCER)
                .name("send " + row.topic()).tag("messaging.system", "kafka")
                .tag("messaging.destination.name", row.topic()).tag("messaging.message.id", row.id().toString())
                .tag("cloudevents.event_type", row.type()).start();
        if (span != null) {
            traces.inject(span, (name, value) -> KafkaTraceHeaders.set(record.headers(), name, value));
        }
        CompletableFuture<?> sent;
        try {
            sent = kafka.send(record);
        } catch (RuntimeException refusedAtOnce) {
            sent = CompletableFuture.failedFuture(refusedAtOnce);
        }
        if (span != null) {
            sent.whenComplete((result, failure) -> {
                if (failure != null) {
                    span.error(failure);
                }
                span.end();
            });
        }
        return sent;
    }

    private static Throwable failureOf(CompletableFuture<?> send) {
        if (!send.isCompletedExceptionally()) {
            return null;
        }
        try {
            send.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    /**
     * Whether Kafka refused a record for good: sending it again cannot succeed (too large, invalid
     * topic or record, not serializable). Anything retriable (timeouts, a broker away, a leader
     * election, missing authorisation an operator can grant) is not.
     */
    static boolean refusedForGood(Throwable failure) {
        boolean permanent = false;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof RetriableException) {
                return false;
            }
            permanent |= t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidTopicException || t instanceof InvalidRecordException
                    || t instanceof SerializationException;
        }
        return permanent;
    }

    private static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getClass().getSimpleName() + ": " + root.getMessage();
        return reason.length() > 1000 ? reason.substring(0, 1000) : reason;
    }

    private Counter parked(String reason) {
        return Counter.builder("cdp.outbox.parked")
                .description("Outbox rows Kafka refused for good, parked in outbox_parked")
                .tag("reason", reason.substring(0, Math.max(0, reason.indexOf(':'))))
                .register(meters);
    }

    private record Row(long seq, UUID id, String topic, String key, String type, String payload, String subject,
                       String workspaceId, String occurredAt, String traceparent) {

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
