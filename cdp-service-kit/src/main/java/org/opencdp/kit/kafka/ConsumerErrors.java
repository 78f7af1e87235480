package org.opencdp.kit.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.RetryListener;

/**
 * Counts and logs every failed delivery the kit's error handler sees, by {@link ConsumerErrorKind}:
 * {@code cdp_consumer_errors_total{service, topic, kind}}. Alert on any increase of {@code
 * kind="programming"} (a bug holds a partition until a fixed version runs) and on a lasting increase
 * of {@code kind="infrastructure"} (the database or broker is away; nothing is lost meanwhile).
 * Programming errors are logged at ERROR, infrastructure errors at WARN, content errors at WARN as
 * they are dead-lettered.
 */
final class ConsumerErrors implements RetryListener {

    static final String METER = "cdp.consumer.errors";

    private static final Logger log = LoggerFactory.getLogger(ConsumerErrors.class);

    private final String service;
    private final MeterRegistry meters;

    ConsumerErrors(String service, MeterRegistry meters) {
        this.service = service;
        this.meters = meters;
    }

    /**
     * Registers the counter at 0 for every kind on each of {@code topics}, so an alert on its increase
     * sees the first failure too (a series that appears with 1 shows no increase).
     */
    static void preRegister(String service, MeterRegistry meters, Iterable<String> topics) {
        for (String topic : topics) {
            for (ConsumerErrorKind kind : ConsumerErrorKind.values()) {
                counter(service, meters, topic, kind);
            }
        }
    }

    private static Counter counter(String service, MeterRegistry meters, String topic, ConsumerErrorKind kind) {
        return Counter.builder(METER).description("Failed deliveries to a consumer, by kind of error")
                .tag("service", service).tag("topic", topic).tag("kind", kind.name()).register(meters);
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception error, int deliveryAttempt) {
        failed(record.topic(), record.topic() + "-" + record.partition() + "@" + record.offset(), error,
                deliveryAttempt);
    }

    @Override
    public void failedDelivery(ConsumerRecords<?, ?> records, Exception error, int deliveryAttempt) {
        if (namesItsRecord(error)) {
            return; // counted once, per record, by the failed-record tracker
        }
        records.partitions().stream().map(partition -> partition.topic()).distinct()
                .forEach(topic -> failed(topic, "a batch of " + topic, error, deliveryAttempt));
    }

    private static boolean namesItsRecord(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof BatchListenerFailedException) {
                return true;
            }
        }
        return false;
    }

    private void failed(String topic, String where, Exception error, int attempt) {
        ConsumerErrorKind kind = ErrorClassifier.classify(error);
        counter(service, meters, topic, kind).increment();
        String reason = KafkaConfiguration.rootMessage(error);
        switch (kind) {
            case programming -> {
                if (attempt == 1) {
                    log.error("Programming error applying {} (attempt {}); retrying with backoff until a fixed "
                            + "version runs, never dead-lettered: {}", where, attempt, reason, error);
                } else {
                    log.error("Programming error applying {} (attempt {}); retrying with backoff: {}", where,
                            attempt, reason);
                }
            }
            case infrastructure -> log.warn("Infrastructure unavailable applying {} (attempt {}); retrying until it "
                    + "is back, never dead-lettered: {}", where, attempt, reason);
            case content -> log.warn("{} can never be applied; dead-lettering it: {}", where, reason);
        }
    }
}
