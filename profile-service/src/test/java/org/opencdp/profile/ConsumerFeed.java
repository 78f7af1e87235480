package org.opencdp.profile;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.MessageCodec;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Hands messages to one of the service's Kafka listeners as one poll of records from one partition,
 * on the calling thread, so they go through the listener and the kit's batch consumer exactly as a
 * poll would (chunks, offsets, inbox, the handler), while the test decides what runs when. For
 * tests that run the service with {@code spring.kafka.listener.auto-startup=false}. Offsets only
 * grow, so the consumer never takes a delivery for a redelivery.
 */
public final class ConsumerFeed {

    private final BatchMessageListener<String, String> listener;
    private final String topic;
    private final int partition;
    private final AtomicLong offsets = new AtomicLong();

    private ConsumerFeed(BatchMessageListener<String, String> listener, String topic, int partition) {
        this.listener = listener;
        this.topic = topic;
        this.partition = partition;
    }

    /** A feed of {@code topic}'s listener as if from {@code partition} (one feed per partition and thread). */
    @SuppressWarnings("unchecked")
    public static ConsumerFeed of(KafkaListenerEndpointRegistry registry, String topic, int partition) {
        MessageListenerContainer container = registry.getListenerContainers().stream()
                .filter(c -> List.of(c.getContainerProperties().getTopics()).contains(topic)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No listener of " + topic));
        return new ConsumerFeed((BatchMessageListener<String, String>) container.getContainerProperties()
                .getMessageListener(), topic, partition);
    }

    /** Delivers {@code messages} as one poll; returns when the listener has applied them. */
    public void deliver(List<? extends CdpMessage> messages) {
        listener.onMessage(messages.stream().map(m -> new ConsumerRecord<>(topic, partition,
                offsets.getAndIncrement(), m.key(), MessageCodec.toJson(m))).toList(), null, null);
    }
}
