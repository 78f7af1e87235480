package org.opencdp.bench.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;

/**
 * Watches {@code cdp.segmentation.memberships.v1} from its end at start: when each profile first
 * entered the bench's segment, as the record's timestamp (the moment segmentation's relay published
 * the change, so the moment it became observable to every consumer), epoch milliseconds.
 */
final class MembershipWatcher implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final String segmentId;
    private final Map<String, Long> enteredAt = new ConcurrentHashMap<>();
    private final AtomicLong entered = new AtomicLong();
    private final AtomicLong exited = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    MembershipWatcher(String bootstrapServers, String segmentId) {
        this.segmentId = segmentId;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-membership-watcher",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.MEMBERSHIPS, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve "end" now, not at the first poll
        this.thread = Thread.ofPlatform().name("bench-memberships").daemon().start(this::run);
    }

    long entered() {
        return entered.get();
    }

    long exited() {
        return exited.get();
    }

    /** When {@code profileId} first entered the segment (record timestamp, epoch ms), or null. */
    Long enteredAt(String profileId) {
        return enteredAt.get(profileId);
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    MembershipChanged change;
                    try {
                        change = MessageCodec.read(record.value(), MembershipChanged.class);
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (!segmentId.equals(change.segmentId())) {
                        continue;
                    }
                    if (change.transition() == MembershipChanged.Transition.entered) {
                        entered.incrementAndGet();
                        enteredAt.putIfAbsent(change.profileId(), record.timestamp());
                    } else {
                        exited.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
