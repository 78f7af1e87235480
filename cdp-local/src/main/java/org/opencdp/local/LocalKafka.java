package org.opencdp.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka (KRaft, combined broker and controller) in this JVM, with its logs in
 * a directory kept across restarts: the directory is formatted once (a new cluster id) and reused
 * after, so topics, records and consumer offsets survive a restart. Clients use PLAINTEXT on
 * {@code 127.0.0.1:<port>}; the controller listens on {@code <controllerPort>}.
 */
final class LocalKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private LocalKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker, formatting {@code directory} first if it never held a cluster. */
    static LocalKafka start(Path directory, int port, int controllerPort) throws IOException {
        Path logDirectory = directory.toAbsolutePath().resolve("data");
        Files.createDirectories(logDirectory);
        KafkaConfig config = new KafkaConfig(brokerProperties(logDirectory, port, controllerPort), false);
        if (!Files.exists(logDirectory.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            format(logDirectory);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        String bootstrapServers = "127.0.0.1:" + port;
        try {
            server.startup();
            awaitBroker(bootstrapServers, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        return new LocalKafka(server, bootstrapServers);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Shuts the broker down in an orderly way (the log is closed cleanly, no recovery on the next start). */
    @Override
    public void close() {
        stop(server);
    }

    static Map<String, Object> brokerProperties(Path logDirectory, int port, int controllerPort) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(NODE_ID));
        properties.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        properties.put("controller.listener.names", CONTROLLER_LISTENER);
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        properties.put("log.dirs", logDirectory.toString());
        // one node: every internal topic with a single replica, and few partitions to start fast
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "10");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "5");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("default.replication.factor", "1");
        properties.put("min.insync.replicas", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.put("auto.create.topics.enable", "true");
        // a laptop, not a cluster
        properties.put("num.network.threads", "2");
        properties.put("num.io.threads", "4");
        properties.put("num.recovery.threads.per.data.dir", "2");
        properties.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return properties;
    }

    private static void format(Path logDirectory) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDirectory.toString())
                    .addDirectory(logDirectory.toString())
                    .run();
        } catch (Exception e) {
            throw new IOException("Could not format the Kafka log directory " + logDirectory + ": " + e.getMessage(),
                    e);
        }
        log.info("Formatted {} for a new Kafka cluster {}", logDirectory, clusterId);
    }

    private static void awaitBroker(String bootstrapServers, Duration timeout) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "cdp-local-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes()
                            .get(6, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted while waiting for Kafka", e);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka on " + bootstrapServers + " did not become ready in "
                                + timeout.toSeconds() + " s", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka on " + bootstrapServers + " has no broker after "
                            + timeout.toSeconds() + " s");
                }
                sleepQuietly(200);
            }
        }
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }
}
