package org.opencdp.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityServiceApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * How many accepted events per second identity-service resolves against a graph of known people:
 * the in-JVM KRaft broker (6 partitions), an embedded PostgreSQL (or {@code CDP_BENCH_JDBC_URL}),
 * the service with its listener stopped; Flyway creates the schema, {@link IdentityTraffic#preloadSql}
 * stores the known identifiers. A warm-up of the same traffic is resolved first (so the JIT compiler
 * is done), then the listener pauses, all measured events are produced to {@code
 * cdp.ingestion.events.v1}, the listener resumes and a consumer counts {@code
 * cdp.identity.resolved-events.v1} (and merges): the rate is from the first to the last resolved event.
 */
final class IdentityBenchmark {

    record Settings(long identifiers, long events, long warmupEvents, IdentityTraffic.Mix mix, int consumers,
                    int eventsPerTransaction, Duration timeout) {
    }

    static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext identity = IdentityServiceApplication.application().run(
                     infrastructure.serviceArguments(
                             "--spring.kafka.listener.auto-startup=false",
                             "--spring.kafka.listener.concurrency=" + settings.consumers(),
                             "--cdp.identity.events-per-transaction=" + settings.eventsPerTransaction()))) {
            String jdbcUrl = infrastructure.jdbcUrl();
            String bootstrapServers = infrastructure.bootstrapServers();
            long profiles = IdentityTraffic.profilesFor(settings.identifiers());
            long needed = IdentityTraffic.mergesNeeded(settings.warmupEvents() + settings.events(), settings.mix());
            if (needed > IdentityTraffic.visitorsOf(profiles)) {
                throw new IllegalArgumentException("Too few preloaded visitors (" + IdentityTraffic.visitorsOf(profiles)
                        + ") for " + needed + " merging events: preload more identifiers or merge less");
            }
            System.out.printf("Identity benchmark: %,d known identifiers (%,d profiles), %,d events %d/%d/%d known/new/merging "
                            + "after %,d warm-up events, %d consumers, %d events per transaction, %d cores%n",
                    IdentityTraffic.identifiersOf(profiles), profiles, settings.events(), settings.mix().known(),
                    settings.mix().fresh(), settings.mix().merging(), settings.warmupEvents(), settings.consumers(),
                    settings.eventsPerTransaction(), Runtime.getRuntime().availableProcessors());
            long started = System.nanoTime();
            preload(jdbcUrl, profiles);
            System.out.printf("  preloaded in %.1f s%n", (System.nanoTime() - started) / 1e9);

            var traffic = new IdentityTraffic(profiles, settings.mix(), ThreadLocalRandom.current().nextLong());
            var listeners = identity.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers();
            try (var counter = new ResolvedCounter(bootstrapServers)) {
                // the same traffic first, so the JIT has compiled the service, the broker and the drivers
                Map<IdentityTraffic.Kind, Long> warmup = produce(bootstrapServers, traffic, settings.warmupEvents());
                started = System.nanoTime();
                listeners.forEach(MessageListenerContainer::start);
                counter.countUntil(settings.warmupEvents(), settings.timeout());
                long warmupMerges = counter.drainMerges(warmup.getOrDefault(IdentityTraffic.Kind.MERGING, 0L),
                        Duration.ofSeconds(10));
                System.out.printf("  warmed up with %,d events in %.1f s: %s; %,d merges%n", settings.warmupEvents(),
                        (System.nanoTime() - started) / 1e9, warmup, warmupMerges);
                BenchInfrastructure.pause(listeners);
                counter.reset();

                started = System.nanoTime();
                Map<IdentityTraffic.Kind, Long> kinds = produce(bootstrapServers, traffic, settings.events());
                System.out.printf("  produced %,d events in %.1f s: %s%n", settings.events(),
                        (System.nanoTime() - started) / 1e9, kinds);

                listeners.forEach(MessageListenerContainer::resume);
                counter.countUntil(settings.events(), settings.timeout());
                long merges = counter.drainMerges(kinds.getOrDefault(IdentityTraffic.Kind.MERGING, 0L),
                        Duration.ofSeconds(10));
                double seconds = (counter.lastAt - counter.firstAt) / 1e9;
                System.out.printf("  resolved %,d events in %.1f s: %,.0f events/s (first to last resolved event); "
                                + "%,d merges on %s%n", counter.resolved, seconds, (counter.resolved - 1) / seconds,
                        merges, Topics.MERGES);
            }
        }
    }

    private static void preload(String jdbcUrl, long profiles) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", "postgres");
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
             Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO identity");
            for (String sql : IdentityTraffic.preloadSql(profiles)) {
                statement.execute(sql);
            }
        }
    }

    static Map<IdentityTraffic.Kind, Long> produce(String bootstrap, IdentityTraffic traffic, long events) {
        Map<IdentityTraffic.Kind, Long> kinds = new EnumMap<>(IdentityTraffic.Kind.class);
        try (var producer = BenchInfrastructure.loadProducer(bootstrap)) {
            for (long n = 0; n < events; n++) {
                IdentityTraffic.Draw draw = traffic.next();
                kinds.merge(draw.kind(), 1L, Long::sum);
                producer.send(new ProducerRecord<>(Topics.EVENTS, draw.event().key(), MessageCodec.toJson(draw.event())));
            }
            producer.flush();
        }
        return kinds;
    }

    /** Counts resolved events and merges as the service publishes them. */
    private IdentityBenchmark() {
    }
}
