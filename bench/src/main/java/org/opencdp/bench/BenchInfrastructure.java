package org.opencdp.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What every benchmark runs on, all on this machine: an in-JVM KRaft broker (6 partitions), an
 * embedded PostgreSQL (or the one {@code CDP_BENCH_JDBC_URL} names), and a fresh JWT secret.
 */
public final class BenchInfrastructure implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;
    private final EmbeddedPostgres postgres;
    private final String jdbcUrl;
    private final String secret;

    private BenchInfrastructure(EmbeddedKafkaKraftBroker broker, EmbeddedPostgres postgres, String jdbcUrl) {
        this.broker = broker;
        this.postgres = postgres;
        this.jdbcUrl = jdbcUrl;
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        this.secret = HexFormat.of().formatHex(bytes);
    }

    public static BenchInfrastructure start() throws IOException {
        var broker = new EmbeddedKafkaKraftBroker(1, 6);
        broker.afterPropertiesSet();
        String jdbcUrl = System.getenv("CDP_BENCH_JDBC_URL");
        EmbeddedPostgres postgres = null;
        if (jdbcUrl == null) {
            postgres = EmbeddedPostgres.builder().start();
            jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
        }
        return new BenchInfrastructure(broker, postgres, jdbcUrl);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String secret() {
        return secret;
    }

    /** The arguments that point a service at this infrastructure, followed by {@code extra}. */
    public String[] serviceArguments(String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--cdp.kit.security.jwt-secret=" + secret,
                "--logging.level.root=WARN"));
        arguments.addAll(List.of(extra));
        return arguments.toArray(String[]::new);
    }

    @Override
    public void close() throws IOException {
        broker.destroy();
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * Pauses a service's listeners and waits until their consumers stopped fetching (polling the
     * containers' state: there is nothing to wait on).
     */
    public static void pause(Collection<MessageListenerContainer> listeners) throws InterruptedException {
        listeners.forEach(MessageListenerContainer::pause);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!listeners.stream().allMatch(MessageListenerContainer::isContainerPaused)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The listeners did not pause within 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** The load generators' producer: durable like the services' (acks=all), batched for throughput. */
    public static KafkaProducer<String, String> loadProducer(String bootstrap) {
        return new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new StringSerializer());
    }
}
