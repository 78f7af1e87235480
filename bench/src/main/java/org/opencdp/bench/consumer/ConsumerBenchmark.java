package org.opencdp.bench.consumer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.opencdp.bench.BenchInfrastructure;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * How many messages per second one service's consumers apply, alone: the in-JVM broker, PostgreSQL
 * ({@code CDP_BENCH_JDBC_URL} or embedded), the service with its listeners stopped, the workload's
 * preload by SQL, then a warm-up of the same traffic (so the JIT is done), then the listeners
 * pause, all measured messages are produced, the listeners resume, and the clock runs until the
 * group's committed offsets reach the end of its topics. Rate = messages / that time.
 */
public final class ConsumerBenchmark {

    /** How much traffic. */
    public record Settings(long messages, long warmupMessages, int consumers, Duration timeout) {
    }

    private ConsumerBenchmark() {
    }

    static void run(ConsumerWorkload workload, Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start()) {
            List<String> arguments = new ArrayList<>(List.of("--spring.kafka.listener.auto-startup=false",
                    "--spring.kafka.listener.concurrency=" + settings.consumers(),
                    "--logging.level.org.opencdp=ERROR"));
            arguments.addAll(workload.arguments());
            try (ConfigurableApplicationContext service = workload.application()
                    .run(infrastructure.serviceArguments(arguments.toArray(String[]::new)))) {
                System.out.printf("%s consumer benchmark: %,d messages after %,d warm-up messages, %d consumers, %d cores%n",
                        workload.name(), settings.messages(), settings.warmupMessages(), settings.consumers(),
                        Runtime.getRuntime().availableProcessors());
                long started = System.nanoTime();
                preload(infrastructure.jdbcUrl(), workload);
                System.out.printf("  preloaded in %.1f s: %s%n", (System.nanoTime() - started) / 1e9, workload.describe());
                String token = new TokenIssuer(infrastructure.secret()).issue(BenchData.WORKSPACE,
                        String.join(" ", Scopes.SOURCES_READ, Scopes.SOURCES_WRITE, Scopes.PROFILES_READ,
                                Scopes.SEGMENTS_READ, Scopes.SEGMENTS_WRITE, Scopes.DESTINATIONS_READ,
                                Scopes.DESTINATIONS_WRITE, Scopes.CONSENT_READ, Scopes.CONSENT_WRITE),
                        "bench", Duration.ofHours(2));
                workload.prepare(service, token);
                var listeners = service.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers();
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        infrastructure.bootstrapServers()))) {
                    produce(infrastructure.bootstrapServers(), workload, settings.warmupMessages()); // failures show as less work
                    started = System.nanoTime();
                    listeners.forEach(MessageListenerContainer::start);
                    awaitCaughtUp(admin, workload, settings.timeout());
                    System.out.printf("  warmed up with %,d messages in %.1f s%n", settings.warmupMessages(),
                            (System.nanoTime() - started) / 1e9);
                    BenchInfrastructure.pause(listeners);
                    long before = endOffsets(admin, workload);
                    started = System.nanoTime();
                    long failed = produce(infrastructure.bootstrapServers(), workload, settings.messages());
                    long produced = endOffsets(admin, workload) - before;
                    System.out.printf("  produced %,d messages in %.1f s (%,d sends failed)%n", produced,
                            (System.nanoTime() - started) / 1e9, failed);
                    started = System.nanoTime();
                    listeners.forEach(MessageListenerContainer::resume);
                    awaitCaughtUp(admin, workload, settings.timeout());
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.out.printf("  applied %,d messages in %.1f s: %,.0f messages/s (group %s caught up)%n",
                            produced, seconds, produced / seconds, workload.group());
                }
            }
        }
    }

    private static void preload(String jdbcUrl, ConsumerWorkload workload) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", "postgres");
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties)) {
            workload.preload(connection);
        }
    }

    /** Produces {@code messages}; returns how many sends failed (the topics' end offsets tell what arrived). */
    private static long produce(String bootstrap, ConsumerWorkload workload, long messages) {
        AtomicLong failed = new AtomicLong();
        try (var producer = BenchInfrastructure.loadProducer(bootstrap)) {
            for (long n = 0; n < messages; n++) {
                producer.send(workload.next(), (metadata, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        return failed.get();
    }

    /** The latest offsets of the workload's topics, summed. */
    private static long endOffsets(Admin admin, ConsumerWorkload workload) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(workload.topics()).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, description) ->
                description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }

    /** Waits until the group's committed offsets reach the latest offsets of its topics (polled every 50 ms). */
    private static void awaitCaughtUp(Admin admin, ConsumerWorkload workload, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(workload.topics()).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, description) ->
                description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        long reported = System.nanoTime();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(workload.group())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += Math.max(0, end.getValue().offset() - (offset == null ? 0 : offset.offset()));
            }
            if (lag == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(workload.group() + " still has " + lag + " messages to go after " + timeout);
            }
            if (System.nanoTime() - reported > 10_000_000_000L) {
                reported = System.nanoTime();
                System.out.printf("    … %,d to go%n", lag);
            }
            Thread.sleep(50); // polling the broker's committed offsets: nothing to wait on
        }
    }
}
