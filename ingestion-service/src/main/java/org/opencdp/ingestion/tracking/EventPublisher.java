package org.opencdp.ingestion.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.problem.CdpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends the messages of one Tracking API call straight to Kafka and waits until Kafka has
 * acknowledged every one of them.
 *
 * <p>There is deliberately no transactional outbox here: ingestion changes no database state, so
 * there is nothing to commit atomically with the message. The Kafka acknowledgement ({@code
 * acks=all}, idempotent producer: kit defaults) is the durability point, and the SDK gets its 200
 * only after it. When Kafka fails or does not acknowledge within {@code
 * cdp.ingestion.kafka-ack-timeout}, the call answers 503 {@code kafka_unavailable} with {@code
 * Retry-After}; the SDK still holds the events and sends them again. A record acknowledged late
 * may then exist twice, which downstream absorbs by de-duplicating on {@code messageId}.
 * {@code max.block.ms} (ingestion-service.yml) bounds how long one send can block on a dead broker.
 */
@Component
class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private static final String SOURCE = CloudEventHeaders.sourceOf("ingestion");

    private final KafkaTemplate<String, String> kafka;
    private final Duration ackTimeout;
    private final Duration retryAfter;

    EventPublisher(KafkaTemplate<String, String> kafka, IngestionProperties properties) {
        this.kafka = kafka;
        this.ackTimeout = properties.kafkaAckTimeout();
        this.retryAfter = properties.retryAfter();
    }

    /** Sends every message, in order, and returns once all are acknowledged; 503 problem otherwise. */
    void publish(List<? extends CdpMessage> messages) {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        List<CompletableFuture<?>> acks = new ArrayList<>(messages.size());
        try {
            for (CdpMessage message : messages) {
                CompletableFuture<?> ack = kafka.send(record(message));
                if (ack.isCompletedExceptionally()) {
                    ack.get();
                }
                acks.add(ack);
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("sending took longer than " + ackTimeout);
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException
                 | org.springframework.kafka.KafkaException e) {
            throw unavailable(e);
        }
    }

    private static ProducerRecord<String, String> record(CdpMessage message) {
        List<Header> headers = new ArrayList<>();
        CloudEventHeaders.of(message, SOURCE).forEach((name, value) -> headers.add(new RecordHeader(name, value)));
        return new ProducerRecord<>(message.topic(), null, message.key(), MessageCodec.toJson(message), headers);
    }

    private CdpException unavailable(Exception cause) {
        Throwable root = cause instanceof ExecutionException && cause.getCause() != null ? cause.getCause() : cause;
        log.warn("Kafka did not acknowledge the events of a Tracking API call: {}", root.toString());
        return CdpException.unavailable("kafka_unavailable", "Kafka did not acknowledge the events in time, so "
                + "they were not accepted; send them again later.", retryAfter);
    }
}
