package org.opencdp.segmentation.segment;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Everything segmentation will ever publish because of the records a test sent, read without a
 * quiet period: once each consumer's {@code consumed_offset} passed the last record sent to its
 * partition, every message those records caused is in the outbox (same transaction); once the
 * outbox is empty, the relay has had all of them acknowledged by Kafka; the topic read from its
 * beginning to its end offsets then holds them all. "Nothing more was published" is so asserted
 * exactly, instead of by polling for a second and hoping nothing comes later. Segment builds are
 * not records: a test awaits {@code ready} before it reads.
 */
public final class Published {

    private final TestInfrastructure infrastructure;
    private final JdbcTemplate jdbc;

    public Published(TestInfrastructure infrastructure, JdbcTemplate jdbc) {
        this.infrastructure = infrastructure;
        this.jdbc = jdbc;
    }

    /**
     * Waits until {@code consumer} has applied (or dropped as seen before) every record up to each of
     * {@code sent}, in its partition. The records must be ones it applies: a record it dead-letters
     * last in its partition would never be passed.
     */
    public Published applied(String consumer, Collection<RecordMetadata> sent) {
        Map<TopicPartition, Long> last = new HashMap<>();
        sent.forEach(r -> last.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::max));
        last.forEach((partition, offset) -> await().atMost(SegmentationDriver.TIMEOUT)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc.queryForObject("""
                                SELECT coalesce(max(next_offset), -1) FROM consumed_offset
                                WHERE consumer = ? AND topic = ? AND partition = ?""", Long.class,
                        consumer, partition.topic(), partition.partition()) > offset));
        return this;
    }

    /** The records of {@code topic} matching {@code filter}, once the outbox is empty, in the order read. */
    public List<ConsumerRecord<String, String>> read(String topic, Predicate<ConsumerRecord<String, String>> filter) {
        await().atMost(SegmentationDriver.TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class) == 0);
        return toEnd(infrastructure, topic, filter);
    }

    /** {@code topic} read from its beginning to the end offsets it has now; the records matching {@code filter}. */
    public static List<ConsumerRecord<String, String>> toEnd(TestInfrastructure infrastructure, String topic,
                                                             Predicate<ConsumerRecord<String, String>> filter) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + SegmentationDriver.TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition())) && filter.test(r)) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }
}
