package org.opencdp.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.MessageCodec;

/**
 * Writes records to the test's broker as another service would, and waits for Kafka's
 * acknowledgement, so a test's next step sees them. One writer serves every module's tests; get one
 * from {@link TestInfrastructure#writer()} and close it after the class.
 */
public final class TopicWriter implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    TopicWriter(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5));
        config.putAll(overrides);
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Publishes a contract message to its topic under its key, in the JSON its producer writes. */
    public RecordMetadata send(CdpMessage message) {
        return send(message.topic(), message.key(), MessageCodec.toJson(message));
    }

    /** Publishes {@code value} (any text, valid JSON or not) to {@code topic} under {@code key}. */
    public RecordMetadata send(String topic, String key, String value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /** Publishes {@code record} as it is (partition, headers, timestamp). */
    public RecordMetadata send(ProducerRecord<String, String> record) {
        return acknowledged(producer.send(record));
    }

    /** Publishes contract messages in order and waits for all of them: one poll's worth for a batch consumer. */
    public List<RecordMetadata> sendAll(List<? extends CdpMessage> messages) {
        return sendAllRecords(messages.stream()
                .map(message -> new ProducerRecord<>(message.topic(), message.key(), MessageCodec.toJson(message)))
                .toList());
    }

    /** Publishes {@code values} (key → value, in order) to one partition of {@code topic} and waits for all. */
    public List<RecordMetadata> sendAll(String topic, int partition, List<Map.Entry<String, String>> values) {
        return sendAllRecords(values.stream()
                .map(value -> new ProducerRecord<>(topic, partition, value.getKey(), value.getValue()))
                .toList());
    }

    /** Publishes {@code records} in order without waiting between them, then waits for every acknowledgement. */
    public List<RecordMetadata> sendAllRecords(List<ProducerRecord<String, String>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        records.forEach(record -> sent.add(producer.send(record)));
        producer.flush();
        return sent.stream().map(TopicWriter::acknowledged).toList();
    }

    private static RecordMetadata acknowledged(Future<RecordMetadata> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not acknowledge a test record", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
