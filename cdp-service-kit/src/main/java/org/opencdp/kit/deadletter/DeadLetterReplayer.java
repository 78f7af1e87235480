package org.opencdp.kit.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Re-publishes dead letters of the service's dead-letter topic ({@code cdp.<service>.dead-letters.v1})
 * to the topic they came from, once their cause is fixed: one workspace's records only, chosen by
 * the time they were dead-lettered or by message id. Key, value and the original headers are kept
 * (so the record lands on the same partition as its key's other messages); the dead-letter headers
 * ({@code kafka_dlt-*}, {@code cdp_dlt_*}) are dropped and {@code cdp_replayed_from} (the dead
 * letter's topic, partition and offset) and {@code cdp_replayed_at} are added. Consumers apply a
 * replayed message like any other: it was never applied (its transaction rolled back), so neither
 * its offset nor its id stops it; a message replayed twice within the inbox retention is applied
 * once.
 *
 * <p>A replay reads the topic with its own consumer (no consumer group, nothing committed) from the
 * first record at or after {@code from} (or the beginning) to the end it had when the replay began.
 */
public class DeadLetterReplayer {

    /** Header naming the dead letter a replayed record came from: {@code topic-partition@offset}. */
    public static final String REPLAYED_FROM = "cdp_replayed_from";
    /** Header with the instant of the replay. */
    public static final String REPLAYED_AT = "cdp_replayed_at";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplayer.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final String deadLetters;
    private final ConsumerFactory<?, ?> consumers;
    private final KafkaTemplate<String, String> kafka;

    public DeadLetterReplayer(String service, ConsumerFactory<?, ?> consumers, KafkaTemplate<String, String> kafka) {
        this.deadLetters = Topics.deadLetters(service);
        this.consumers = consumers;
        this.kafka = kafka;
    }

    /** Which dead letters to replay: by message ids, or by when they were dead-lettered ({@code to} exclusive). */
    public record Selection(Instant from, Instant to, Set<UUID> ids) {

        public static Selection between(Instant from, Instant to) {
            return new Selection(from, to, Set.of());
        }

        public static Selection ids(Set<UUID> ids) {
            return new Selection(null, null, Set.copyOf(ids));
        }

        boolean matches(ConsumerRecord<String, String> record, UUID id) {
            if (!ids.isEmpty()) {
                return id != null && ids.contains(id);
            }
            return (from == null || record.timestamp() >= from.toEpochMilli())
                    && (to == null || record.timestamp() < to.toEpochMilli());
        }
    }

    /** A dead letter put back on its topic. */
    public record Replayed(UUID id, String topic, Instant deadLetteredAt) {
    }

    /** Replays {@code workspaceId}'s dead letters that {@code selection} picks, in dead-letter order. */
    public List<Replayed> replay(String workspaceId, Selection selection) {
        List<Replayed> replayed = new ArrayList<>();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = openConsumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetters).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekToStart(consumer, partitions, selection, end);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + deadLetters + " took longer than " + READ_TIMEOUT);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition)) {
                        continue;
                    }
                    UUID id = messageId(record);
                    String originalTopic = header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC);
                    if (originalTopic == null || !workspaceId.equals(workspaceOf(record))
                            || !selection.matches(record, id)) {
                        continue;
                    }
                    sends.add(kafka.send(replayOf(record, originalTopic)));
                    replayed.add(new Replayed(id, originalTopic, Instant.ofEpochMilli(record.timestamp())));
                }
            }
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while replaying dead letters", e);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not acknowledge the replayed dead letters", e);
        }
        log.info("Replayed {} dead letters of workspace {} from {}", replayed.size(), workspaceId, deadLetters);
        return replayed;
    }

    private KafkaConsumer<String, String> openConsumer() {
        Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, deadLetters + "-replay-" + UUID.randomUUID());
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static void seekToStart(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
                                    Selection selection, Map<TopicPartition, Long> end) {
        if (selection.from() == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(partition -> at.put(partition, selection.from().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            consumer.seek(partition, offset == null ? end.get(partition) : offset.offset());
        }
    }

    private ProducerRecord<String, String> replayOf(ConsumerRecord<String, String> record, String originalTopic) {
        // a record without a key goes back to its partition; one with a key follows its key
        Integer partition = record.key() != null ? null : partitionOf(record);
        var replay = new ProducerRecord<String, String>(originalTopic, partition, record.key(), record.value());
        for (Header header : record.headers()) {
            if (!header.key().startsWith("kafka_dlt-") && !header.key().startsWith("cdp_dlt_")
                    && !header.key().startsWith("cdp_replayed_")) {
                replay.headers().add(header);
            }
        }
        replay.headers().add(new RecordHeader(REPLAYED_FROM, bytes(record.topic() + "-" + record.partition() + "@"
                + record.offset())));
        replay.headers().add(new RecordHeader(REPLAYED_AT, bytes(Instant.now().toString())));
        return replay;
    }

    private static Integer partitionOf(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION);
        return header == null || header.value().length != Integer.BYTES ? null
                : java.nio.ByteBuffer.wrap(header.value()).getInt();
    }

    /** The record's workspace: its CloudEvents workspace header, else the key's prefix ({@code workspace:…}). */
    static String workspaceOf(ConsumerRecord<String, String> record) {
        String header = header(record, CloudEventHeaders.WORKSPACE);
        if (header != null) {
            return header;
        }
        String key = record.key();
        int colon = key == null ? -1 : key.indexOf(':');
        return colon > 0 ? key.substring(0, colon) : null;
    }

    /** The record's message id: its CloudEvents id header, else the {@code id} field of its JSON, if any. */
    static UUID messageId(ConsumerRecord<String, String> record) {
        String id = header(record, CloudEventHeaders.ID);
        if (id == null && record.value() != null) {
            try {
                var node = MessageCodec.mapper().readTree(record.value()).path("id");
                id = node.isString() ? node.asString() : null;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
