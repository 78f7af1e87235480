package org.opencdp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.contracts.Topics;

/**
 * Counts the records on {@code cdp.identity.resolved-events.v1} and {@code cdp.identity.merges.v1}
 * without decoding them, and when the first and the last resolved event arrived.
 */
final class ResolvedCounter implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    long resolved;
    long merges;
    long firstAt;
    long lastAt;

    ResolvedCounter(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-counter-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.RESOLVED_EVENTS, Topics.MERGES));
    }

    void countUntil(long events, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long reported = System.nanoTime();
        while (resolved < events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Only " + resolved + " of " + events + " events resolved within "
                        + timeout);
            }
            poll();
            if (System.nanoTime() - reported > 10_000_000_000L) {
                reported = System.nanoTime();
                System.out.printf("    … %,d resolved%n", resolved);
            }
        }
    }

    /** Forgets what was counted so far (the warm-up). */
    void reset() {
        resolved = 0;
        merges = 0;
        firstAt = 0;
        lastAt = 0;
    }

    long drainMerges(long expected, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (merges < expected && System.nanoTime() < deadline) {
            poll();
        }
        return merges;
    }

    private void poll() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.topic().equals(Topics.MERGES)) {
                merges++;
            } else {
                if (resolved == 0) {
                    firstAt = now;
                }
                resolved++;
                lastAt = now;
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
