package org.opencdp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.errors.WakeupException;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;

/**
 * What this machine can pass from {@code cdp.ingestion.events.v1} to {@code
 * cdp.identity.resolved-events.v1} with no database at all: consumers that decode each {@code
 * EventAccepted}, encode an {@code EventResolved} and produce it (acks=all, idempotent, lz4: the
 * kit's producer settings), committing offsets per poll. The broker, the pipeline and the counter
 * share the JVM and the cores as in {@link IdentityBenchmark}, so this is the ceiling the identity
 * benchmark cannot pass however cheap its database work becomes (docs/performance.md).
 */
final class PipelineFloorBenchmark {

    record Settings(long events, long warmupEvents, int consumers, Duration timeout) {
    }

    static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start()) {
            String bootstrap = infrastructure.bootstrapServers();
            System.out.printf("Pipeline floor: %,d events after %,d warm-up events, %d consumers, no database, %d cores%n",
                    settings.events(), settings.warmupEvents(), settings.consumers(),
                    Runtime.getRuntime().availableProcessors());
            var traffic = new IdentityTraffic(IdentityTraffic.profilesFor(1_000_000), new IdentityTraffic.Mix(100, 0, 0),
                    ThreadLocalRandom.current().nextLong());
            AtomicBoolean paused = new AtomicBoolean(false);
            CountDownLatch pipesPaused = new CountDownLatch(settings.consumers());
            List<Thread> pipes = new ArrayList<>();
            List<KafkaConsumer<String, byte[]>> consumers = new ArrayList<>();
            try (var counter = new ResolvedCounter(bootstrap)) {
                IdentityBenchmark.produce(bootstrap, traffic, settings.warmupEvents());
                for (int i = 0; i < settings.consumers(); i++) {
                    var consumer = consumer(bootstrap);
                    consumers.add(consumer);
                    pipes.add(Thread.ofPlatform().name("pipe-" + i).start(() -> pipe(consumer, bootstrap, paused, pipesPaused)));
                }
                counter.countUntil(settings.warmupEvents(), settings.timeout());
                paused.set(true);
                if (!pipesPaused.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("The pipes did not pause within 30 s");
                }
                counter.reset();
                long started = System.nanoTime();
                IdentityBenchmark.produce(bootstrap, traffic, settings.events());
                System.out.printf("  produced %,d events in %.1f s%n", settings.events(), (System.nanoTime() - started) / 1e9);
                paused.set(false);
                counter.countUntil(settings.events(), settings.timeout());
                double seconds = (counter.lastAt - counter.firstAt) / 1e9;
                System.out.printf("  passed %,d events in %.1f s: %,.0f events/s (first to last resolved event)%n",
                        counter.resolved, seconds, (counter.resolved - 1) / seconds);
            } finally {
                consumers.forEach(KafkaConsumer::wakeup);
                for (Thread pipe : pipes) {
                    pipe.join();
                }
            }
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-pipe",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.EVENTS));
        return consumer;
    }

    /** Passes records on until woken up; while {@code paused}, fetches nothing (and says so once on {@code pausedSignal}). */
    private static void pipe(KafkaConsumer<String, byte[]> consumer, String bootstrap, AtomicBoolean paused,
                             CountDownLatch pausedSignal) {
        try (consumer; var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            boolean signalled = false;
            while (true) {
                if (paused.get()) {
                    consumer.pause(consumer.assignment());
                    if (!signalled) {
                        // what the previous poll returned is passed on; from here on nothing is fetched
                        pausedSignal.countDown();
                        signalled = true;
                    }
                } else {
                    consumer.resume(consumer.paused());
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    EventAccepted accepted = MessageCodec.read(record.value(), EventAccepted.class);
                    var resolved = new EventResolved(UUID.randomUUID(), accepted.workspaceId(), accepted.event().personId(),
                            accepted.sourceId(), accepted.occurredAt(), accepted.receivedAt(), accepted.event());
                    producer.send(new ProducerRecord<>(resolved.topic(), resolved.key(), MessageCodec.toBytes(resolved)));
                }
                producer.flush();
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // the benchmark is over
        }
    }

    private PipelineFloorBenchmark() {
    }
}
