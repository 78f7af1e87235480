package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.ErrorClassifier;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * The kit's batch consumer (issue 9) on real PostgreSQL: records are handed to it as a Kafka
 * listener would, with their topic, partition and offset, so each test chooses exactly what is
 * redelivered; the last test goes through the real broker and the dead-letter topic.
 */
@CdpIntegrationTest
@SpringBootTest(classes = KitSmokeApplication.class, properties = "spring.config.name=kit-smoke")
class BatchConsumerIT {

    private static final String TOPIC = "cdp.test.batch.v1";
    private static final AtomicInteger CONSUMERS = new AtomicInteger();

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final AtomicLong chunksApplied = new AtomicLong();

    @Autowired
    BatchConsumers consumers;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void shouldApplyTheSameMessageOnceWhenItComesTwiceInOneChunk() {
        BatchConsumer<ConsentChanged> consumer = consumer(500);
        ConsentChanged message = message("p1");

        consumer.consume(List.of(record(0, message), record(1, message), record(2, message("p2"))));

        assertThat(applied(consumer)).containsExactly("p1", "p2");
    }

    @Test
    void shouldSkipRecordsRedeliveredByKafkaEvenWhenTheirIdsAreForgotten() {
        BatchConsumer<ConsentChanged> consumer = consumer(500);
        consumer.consume(List.of(record(0, message("p1")), record(1, message("p2"))));
        jdbc.update("DELETE FROM inbox WHERE consumer = ?", consumer.name());

        // Kafka hands the same offsets again (rebalance, crash before the offset commit), then new ones
        consumer.consume(List.of(record(0, message("p1")), record(1, message("p2")), record(2, message("p3"))));

        assertThat(applied(consumer)).containsExactly("p1", "p2", "p3");
    }

    @Test
    void shouldSkipAMessagePublishedTwiceByARelayUnderANewOffset() {
        BatchConsumer<ConsentChanged> consumer = consumer(500);
        ConsentChanged message = message("p1");
        consumer.consume(List.of(record(0, message)));

        consumer.consume(List.of(record(1, message), record(2, message("p2"))));

        assertThat(applied(consumer)).containsExactly("p1", "p2");
    }

    @Test
    void shouldApplyEveryOtherRecordOfAChunkOnceAndNameThePoisonRecord() {
        BatchConsumer<ConsentChanged> consumer = consumer(500);
        List<ConsumerRecord<String, String>> records = List.of(record(0, message("p1")), record(1, message("p2")),
                record(2, message("poison")), record(3, message("p4")));

        assertThatThrownBy(() -> consumer.consume(records))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
                    assertThat(e.getIndex()).isEqualTo(2);
                    assertThat(ErrorClassifier.isPermanent(e)).isTrue();
                });
        assertThat(applied(consumer)).containsExactly("p1", "p2");

        // the error handler dead-letters the poison record and polls the records after it again
        consumer.consume(records.subList(3, 4));
        assertThat(applied(consumer)).containsExactly("p1", "p2", "p4");
    }

    @Test
    void shouldApplyTheRecordsBeforeAnUnreadableOneAndNameIt() {
        BatchConsumer<ConsentChanged> consumer = consumer(2);
        List<ConsumerRecord<String, String>> records = List.of(record(0, message("p1")), record(1, message("p2")),
                record(2, message("p3")), new ConsumerRecord<>(TOPIC, 0, 3, "ws:x", "{\"not\": \"a message\""),
                record(4, message("p5")));

        assertThatThrownBy(() -> consumer.consume(records))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isEqualTo(3));

        assertThat(applied(consumer)).containsExactly("p1", "p2", "p3");
    }

    @Test
    void shouldKeepTheOrderOfAPartitionAcrossChunks() {
        BatchConsumer<ConsentChanged> consumer = consumer(3);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(record(i, message("p" + i)));
        }

        consumer.consume(records);

        assertThat(applied(consumer)).containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
        assertThat(chunksApplied).hasValue(4);
    }

    @Test
    void shouldApplyAChunkOnceWhenTwoConsumersGetItDuringARebalance() throws Exception {
        // after a rebalance the old owner of a partition may still be applying a poll that the new
        // owner is given too: the offset rows serialise them and the second finds the work done
        CountDownLatch bothInside = new CountDownLatch(2);
        String name = "rebalance-" + CONSUMERS.incrementAndGet();
        BatchConsumer<ConsentChanged> consumer = consumers.consumer(name, ConsentChanged.class, fresh -> {
            bothInside.countDown();
            insert(name, fresh);
        });
        List<ConsumerRecord<String, String>> records = List.of(record(0, message("p1")), record(1, message("p2")));

        var oldOwner = CompletableFuture.runAsync(() -> consumer.consume(records));
        var newOwner = CompletableFuture.runAsync(() -> consumer.consume(records));
        CompletableFuture.allOf(oldOwner, newOwner).get(30, TimeUnit.SECONDS);

        assertThat(bothInside.getCount()).as("only one of them applied the records").isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT profile_id FROM applied WHERE consumer = ? ORDER BY seq", String.class,
                name)).containsExactly("p1", "p2");
    }

    @Test
    void shouldRetryAChunkThatLostADeadlockWithoutApplyingItTwice() {
        String name = "deadlock-" + CONSUMERS.incrementAndGet();
        AtomicInteger attempts = new AtomicInteger();
        BatchConsumer<ConsentChanged> consumer = consumers.consumer(name, ConsentChanged.class, fresh -> {
            insert(name, fresh);
            if (attempts.incrementAndGet() == 1) {
                throw new org.springframework.dao.PessimisticLockingFailureException("deadlock detected");
            }
        });

        consumer.consume(List.of(record(0, message("p1")), record(1, message("p2"))));

        assertThat(attempts).hasValue(2);
        assertThat(jdbc.queryForList("SELECT profile_id FROM applied WHERE consumer = ? ORDER BY seq", String.class,
                name)).containsExactly("p1", "p2");
    }

    @Test
    void shouldDeadLetterAPoisonMessageFromKafkaAndApplyTheRestOfItsPoll() throws Exception {
        String key = "ws_poll:p";
        try (TopicWriter writer = infrastructure.writer(Map.of("linger.ms", 50));
             TopicReader deadLetters = infrastructure.read(Topics.deadLetters("kit-smoke"))) {
            writer.sendAllRecords(Stream.of(message("poll-1"), message("poison"), message("poll-3"))
                    .map(message -> new ProducerRecord<>(Topics.CONSENT_CHANGES, key, MessageCodec.toJson(message)))
                    .toList());

            var dead = deadLetters.await(r -> key.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(MessageCodec.read(dead.getFirst().value(), ConsentChanged.class).profileId()).isEqualTo("poison");
            assertThat(new String(dead.getFirst().headers().lastHeader(KafkaConfiguration.DLT_REASON).value()))
                    .isEqualTo("permanent");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForList(
                    "SELECT profile_id FROM consumed WHERE profile_id LIKE 'poll-%' ORDER BY profile_id", String.class))
                    .containsExactly("poll-1", "poll-3"));
        }
    }

    private BatchConsumer<ConsentChanged> consumer(int chunkSize) {
        String name = "batch-" + CONSUMERS.incrementAndGet();
        return consumers.consumer(name, record -> MessageCodec.read(record.value(), ConsentChanged.class),
                ConsentChanged::id, fresh -> {
                    if (fresh.stream().anyMatch(m -> m.profileId().equals("poison"))) {
                        throw new PermanentMessageException("poison");
                    }
                    chunksApplied.incrementAndGet();
                    insert(name, fresh);
                }, chunkSize);
    }

    private void insert(String consumer, List<ConsentChanged> fresh) {
        jdbc.update("""
                        INSERT INTO applied (consumer, message_id, profile_id)
                        SELECT ?, id, profile FROM unnest(?::uuid[], ?::text[]) WITH ORDINALITY AS m (id, profile, n)
                        ORDER BY n""", consumer,
                fresh.stream().map(ConsentChanged::id).toArray(UUID[]::new),
                fresh.stream().map(ConsentChanged::profileId).toArray(String[]::new));
    }

    private List<String> applied(BatchConsumer<?> consumer) {
        return jdbc.queryForList("SELECT profile_id FROM applied WHERE consumer = ? ORDER BY seq", String.class,
                consumer.name());
    }

    private static ConsentChanged message(String profileId) {
        return new ConsentChanged(UUID.randomUUID(), "ws_batch", Instant.parse("2026-01-01T00:00:00Z"), profileId,
                Map.of("marketing", true));
    }

    private static ConsumerRecord<String, String> record(long offset, ConsentChanged message) {
        return new ConsumerRecord<>(TOPIC, 0, offset, message.key(), MessageCodec.toJson(message));
    }
}
