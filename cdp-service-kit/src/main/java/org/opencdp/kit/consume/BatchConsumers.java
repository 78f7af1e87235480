package org.opencdp.kit.consume;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.kafka.IncomingMessages;
import org.opencdp.kit.tracing.TraceContexts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the service's {@link BatchConsumer}s. A listener is then three lines:
 *
 * <pre>{@code
 * this.consumer = consumers.consumer("profile-events", EventResolved.class, service::apply);
 * @KafkaListener(topics = Topics.RESOLVED_EVENTS)
 * void on(List<ConsumerRecord<String, String>> records) { consumer.consume(records); }
 * }</pre>
 */
public class BatchConsumers {

    private final TransactionTemplate transactions;
    private final Inbox inbox;
    private final ConsumedOffsets offsets;
    private final KafkaAdmin admin;
    private final KitProperties.Consumer settings;
    private final String service;
    private final MeterRegistry meters;
    private final TraceContexts traces;
    private final AtomicReference<String> clusterId = new AtomicReference<>();

    public BatchConsumers(TransactionTemplate transactions, Inbox inbox, JdbcTemplate jdbc, KafkaAdmin admin,
                          KitProperties properties, MeterRegistry meters) {
        this(transactions, inbox, jdbc, admin, properties, meters, TraceContexts.noop());
    }

    /** As above, with each poll's records consumed in a span that continues their trace context. */
    public BatchConsumers(TransactionTemplate transactions, Inbox inbox, JdbcTemplate jdbc, KafkaAdmin admin,
                          KitProperties properties, MeterRegistry meters, TraceContexts traces) {
        this.traces = traces;
        this.transactions = transactions;
        this.inbox = inbox;
        this.offsets = new ConsumedOffsets(jdbc);
        this.admin = admin;
        this.settings = properties.consumer();
        this.service = properties.service();
        this.meters = meters;
    }

    /** A consumer of contract messages of {@code type}, with the kit's chunk size. */
    public <M extends CdpMessage> BatchConsumer<M> consumer(String name, Class<M> type, ChunkHandler<M> handler) {
        return consumer(name, record -> IncomingMessages.decode(record, type), CdpMessage::id, handler,
                settings.chunkSize());
    }

    /**
     * A consumer whose decoder does more than read the message (e.g. attaches per-workspace rules,
     * or refuses a message that can never be applied); {@code idOf} gives the message id the inbox
     * de-duplicates on. The kit's chunk size.
     */
    public <T> BatchConsumer<T> consumer(String name, Function<ConsumerRecord<String, String>, T> decoder,
                                         Function<T, UUID> idOf, ChunkHandler<T> handler) {
        return consumer(name, decoder, idOf, handler, settings.chunkSize());
    }

    /** As {@link #consumer(String, Function, Function, ChunkHandler)}, with its own chunk size. */
    public <T> BatchConsumer<T> consumer(String name, Function<ConsumerRecord<String, String>, T> decoder,
                                         Function<T, UUID> idOf, ChunkHandler<T> handler, int chunkSize) {
        return new BatchConsumer<>(name, service, decoder, idOf, handler, chunkSize, settings.maxAttempts(), transactions,
                inbox, offsets, this::clusterId, meters, traces);
    }

    /** Asked of the broker once: every consumed record comes from the cluster this service is connected to. */
    private String clusterId() {
        String known = clusterId.get();
        if (known == null) {
            known = admin.clusterId();
            if (known == null) {
                throw new org.springframework.dao.TransientDataAccessResourceException(
                        "The Kafka cluster id is not known yet");
            }
            clusterId.compareAndSet(null, known);
        }
        return known;
    }
}
