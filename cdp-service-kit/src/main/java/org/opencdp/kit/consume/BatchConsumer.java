package org.opencdp.kit.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.kafka.ConsumerErrorKind;
import org.opencdp.kit.kafka.ErrorClassifier;
import org.opencdp.kit.logging.ServiceLogContext;
import org.opencdp.kit.tracing.KafkaTraceHeaders;
import org.opencdp.kit.tracing.TraceContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way a service consumes a topic: a listener hands it each poll's records (the kit's
 * listeners are batch listeners with batch acknowledgement), and it applies them a chunk per
 * transaction.
 *
 * <ol>
 *   <li>Records are decoded in order. A record that cannot be decoded ends the chunk before it.</li>
 *   <li>In one transaction per chunk of up to {@code chunkSize} records: the partitions' consumed
 *       offsets are locked and records below them dropped (redelivered by Kafka); the rest are
 *       recorded in the inbox in one statement and the ids seen before dropped (published twice by
 *       an outbox relay, or twice in the chunk); the {@link ChunkHandler} applies what is left,
 *       set-wise; the offsets are advanced past the chunk. Kafka's offsets are committed by the
 *       container after the listener returns, so after the database commit.</li>
 *   <li>A chunk that loses a deadlock or a lock race ({@link ConcurrencyFailureException}, which
 *       a handler may also throw when what it read went stale) or a unique-key race with another
 *       transaction is run again, up to {@code maxAttempts} times.</li>
 *   <li>A chunk that fails on the infrastructure (database or broker away, see {@link
 *       ErrorClassifier}) is reported as failing at its first record: the error handler retries it
 *       with backoff until the infrastructure is back, and nothing is dead-lettered.</li>
 *   <li>A chunk that fails otherwise is rolled back and retried one record per transaction, in
 *       order, so the failure is pinned on the record that causes it. That record (or an
 *       undecodable one) is reported in a {@link BatchListenerFailedException} naming its index:
 *       the kit's error handler commits the offsets before it, dead-letters it with the reason when
 *       its content is at fault, or retries it with backoff until it passes (infrastructure or
 *       programming error), and the records after it are polled again. Nothing in the chunk is lost
 *       or applied twice.</li>
 * </ol>
 *
 * Order per key is kept: records of one partition reach the handler in offset order, chunk after
 * chunk. Build one with {@link BatchConsumers#consumer}.
 *
 * <p>Tracing: each poll's records are consumed in one span ({@code consume <name>}, kind consumer). Its
 * parent is the {@code traceparent} header of the first record that has one, and it links to the other
 * records' distinct contexts. What the handler writes to the outbox carries this span's context on. So
 * the trace of a message that arrives first in its poll (always the case for a message on its own)
 * goes on through this service; another message's trace ends at a link to the batch span that applied
 * it, which a tracing UI follows. Messages are counted in {@code cdp_consumer_messages_total} once
 * their chunk's transaction committed, so a chunk retried after a lost race is counted once.
 */
public final class BatchConsumer<T> {

    private static final Logger log = LoggerFactory.getLogger(BatchConsumer.class);

    private final String name;
    private final String service;
    private final Function<ConsumerRecord<String, String>, T> decoder;
    private final Function<T, UUID> idOf;
    private final ChunkHandler<T> handler;
    private final int chunkSize;
    private final int maxAttempts;
    private final TransactionTemplate transactions;
    private final Inbox inbox;
    private final ConsumedOffsets offsets;
    private final Supplier<String> clusterId;
    private final Counter applied;
    private final Counter duplicates;
    private final Timer chunks;
    private final TraceContexts traces;

    BatchConsumer(String name, String service, Function<ConsumerRecord<String, String>, T> decoder, Function<T, UUID> idOf,
                  ChunkHandler<T> handler, int chunkSize, int maxAttempts, TransactionTemplate transactions,
                  Inbox inbox, ConsumedOffsets offsets, Supplier<String> clusterId, MeterRegistry meters,
                  TraceContexts traces) {
        this.name = Objects.requireNonNull(name);
        this.service = service;
        this.decoder = Objects.requireNonNull(decoder);
        this.idOf = Objects.requireNonNull(idOf);
        this.handler = Objects.requireNonNull(handler);
        if (chunkSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("chunkSize and maxAttempts must be positive");
        }
        this.chunkSize = chunkSize;
        this.maxAttempts = maxAttempts;
        this.transactions = transactions;
        this.inbox = inbox;
        this.offsets = offsets;
        this.clusterId = clusterId;
        this.traces = traces;
        this.applied = Counter.builder("cdp.consumer.messages").tag("consumer", name).tag("outcome", "applied")
                .description("Messages handed to the consumer's handler").register(meters);
        this.duplicates = Counter.builder("cdp.consumer.messages").tag("consumer", name).tag("outcome", "duplicate")
                .description("Messages dropped as applied before").register(meters);
        this.chunks = Timer.builder("cdp.consumer.chunk").tag("consumer", name)
                .description("Time to apply one chunk in its transaction").register(meters);
    }

    /** The consumer's name: its inbox and offset rows. */
    public String name() {
        return name;
    }

    /** Applies a poll's records, a chunk per transaction; see the class comment for failures. */
    public void consume(List<ConsumerRecord<String, String>> records) {
        Span span = batchSpan(records);
        try (ServiceLogContext.Scope ignored = ServiceLogContext.enter(service);
             Tracer.SpanInScope inScope = traces.tracer().withSpan(span)) {
            consumeChunks(records);
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** The poll's span: child of the first traced record, linked to the other records' contexts. */
    private Span batchSpan(List<ConsumerRecord<String, String>> records) {
        Span.Builder builder = traces.continuingFirst(records.stream()
                        .map(record -> KafkaTraceHeaders.traceparent(record.headers())).toList())
                .kind(Span.Kind.CONSUMER).name("consume " + name)
                .tag("messaging.system", "kafka").tag("messaging.consumer.group.name", name)
                .tag("messaging.batch.message_count", records.size());
        if (!records.isEmpty()) {
            builder.tag("messaging.destination.name", records.getFirst().topic());
        }
        return builder.start();
    }

    private void consumeChunks(List<ConsumerRecord<String, String>> records) {
        int start = 0;
        while (start < records.size()) {
            List<Decoded<T>> chunk = new ArrayList<>();
            RuntimeException unreadable = null;
            int end = start;
            while (end < records.size() && chunk.size() < chunkSize) {
                ConsumerRecord<String, String> record = records.get(end);
                try {
                    chunk.add(new Decoded<>(end, record, decoder.apply(record)));
                    end++;
                } catch (RuntimeException e) {
                    unreadable = e;
                    break;
                }
            }
            if (!chunk.isEmpty()) {
                applyChunk(chunk);
            }
            if (unreadable != null) {
                throw new BatchListenerFailedException("Record " + where(records.get(end)) + " cannot be read: "
                        + unreadable.getMessage(), unreadable, end);
            }
            start = end;
        }
    }

    private void applyChunk(List<Decoded<T>> chunk) {
        try {
            inTransaction(chunk);
        } catch (RuntimeException e) {
            if (chunk.size() == 1 || ErrorClassifier.classify(e) == ConsumerErrorKind.infrastructure) {
                // the database or broker is away: no record is at fault, the chunk waits as a whole
                throw failed(chunk.getFirst(), e);
            }
            log.info("{}: a chunk of {} records failed ({}); applying them one at a time to find the one at fault",
                    name, chunk.size(), e.toString());
            for (Decoded<T> one : chunk) {
                try {
                    inTransaction(List.of(one));
                } catch (RuntimeException single) {
                    throw failed(one, single);
                }
            }
        }
    }

    private void inTransaction(List<Decoded<T>> chunk) {
        for (int attempt = 1; ; attempt++) {
            try {
                Integer fresh = chunks.record(() -> transactions.execute(status -> applyOnce(chunk)));
                // counted after the commit: a chunk run again after a lost race is counted once
                int applied = fresh == null ? 0 : fresh;
                this.applied.increment(applied);
                duplicates.increment(chunk.size() - applied);
                return;
            } catch (RuntimeException e) {
                if (!(e instanceof ConcurrencyFailureException || ErrorClassifier.isUniqueViolation(e))
                        || attempt >= maxAttempts) {
                    throw e;
                }
                log.debug("{}: chunk of {} records lost a lock race (attempt {}): {}", name, chunk.size(), attempt,
                        e.getMessage());
                pauseBeforeRetry(attempt);
            }
        }
    }

    /** Applies the chunk in the caller's transaction; answers how many messages were fresh (not seen before). */
    private int applyOnce(List<Decoded<T>> chunk) {
        String cluster = clusterId.get();
        List<ConsumerRecord<String, String>> records = chunk.stream().map(Decoded::record).toList();
        Map<ConsumedOffsets.Partition, Long> next = offsets.lockNextOffsets(name, cluster, records);
        List<Decoded<T>> unseen = new ArrayList<>(chunk.size());
        for (Decoded<T> decoded : chunk) {
            Long nextOffset = next.get(ConsumedOffsets.Partition.of(decoded.record()));
            if (nextOffset == null || decoded.record().offset() >= nextOffset) {
                unseen.add(decoded);
            }
        }
        List<T> fresh = new ArrayList<>(unseen.size());
        if (!unseen.isEmpty()) {
            List<UUID> ids = unseen.stream().map(decoded -> idOf.apply(decoded.message())).toList();
            Set<UUID> first = new HashSet<>(inbox.firstDeliveries(name, ids));
            for (int i = 0; i < unseen.size(); i++) {
                // remove: the same id twice in one chunk is applied once
                if (first.remove(ids.get(i))) {
                    fresh.add(unseen.get(i).message());
                }
            }
        }
        if (!fresh.isEmpty()) {
            handler.apply(fresh);
        }
        offsets.advance(name, cluster, records);
        return fresh.size();
    }

    private BatchListenerFailedException failed(Decoded<T> decoded, RuntimeException error) {
        return new BatchListenerFailedException("Applying record " + where(decoded.record()) + " failed: "
                + error.getMessage(), error, decoded.index());
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * Math.min(attempt, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a chunk", e);
        }
    }

    private record Decoded<T>(int index, ConsumerRecord<String, String> record, T message) {
    }
}
