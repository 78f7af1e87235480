package org.opencdp.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for one test class: a Testcontainers KRaft container when Docker runs,
 * otherwise spring-kafka-test's in-JVM KRaft broker (about 1.5 s to start).
 */
public interface KafkaBroker extends AutoCloseable {

    String bootstrapServers();

    @Override
    void close();

    /** Starts a fresh single-node broker. */
    static KafkaBroker start() {
        if (PostgresServer.Docker.available()) {
            var container = new KafkaContainer("apache/kafka-native:4.1.0");
            container.start();
            return new KafkaBroker() {
                @Override
                public String bootstrapServers() {
                    return container.getBootstrapServers();
                }

                @Override
                public void close() {
                    container.stop();
                }
            };
        }
        var broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperty("auto.create.topics.enable", "true");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        return new KafkaBroker() {
            @Override
            public String bootstrapServers() {
                return broker.getBrokersAsString();
            }

            @Override
            public void close() {
                broker.destroy();
            }
        };
    }
}
