package org.opencdp.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/** Produces accepted events the way ingestion does and waits for identity to resolve them. */
public final class ResolvedEvents {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Produces {@code events} in order, keyed like ingestion, and returns their resolved events in the same order. */
    public static List<EventResolved> resolve(TestInfrastructure infrastructure, EventAccepted... events) {
        try (TopicWriter writer = infrastructure.writer();
             TopicReader reader = infrastructure.read(Topics.RESOLVED_EVENTS)) {
            Arrays.stream(events).forEach(writer::send);
            Set<String> messageIds = Arrays.stream(events).map(e -> e.event().messageId()).collect(Collectors.toSet());
            List<EventResolved> resolved = reader.await(r -> messageIds.contains(messageIdOf(r)), events.length, TIMEOUT)
                    .stream().map(r -> MessageCodec.read(r.value(), EventResolved.class)).toList();
            assertThat(resolved).as("resolved events").hasSize(events.length);
            return Arrays.stream(events).map(event -> resolved.stream()
                    .filter(r -> r.event().messageId().equals(event.event().messageId())).findFirst().orElseThrow())
                    .toList();
        }
    }

    /** {@code event} as a record of the events topic on {@code partition}. */
    public static ProducerRecord<String, String> onPartition(int partition, EventAccepted event) {
        return new ProducerRecord<>(Topics.EVENTS, partition, event.key(), MessageCodec.toJson(event));
    }

    /**
     * Waits until the service's listeners own every partition of the events topic, so the topic's
     * partitions have leaders before a test produces to them.
     */
    public static void awaitListenersAssigned(KafkaListenerEndpointRegistry registry, int partitions) {
        registry.getListenerContainers().forEach(container -> ContainerTestUtils.waitForAssignment(container,
                partitions));
    }

    /** The {@code messageId} of the event in a resolved-events record. */
    public static String messageIdOf(ConsumerRecord<String, String> record) {
        return MessageCodec.read(record.value(), EventResolved.class).event().messageId();
    }

    /** The value of the record's header {@code name} as text, or null. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        return StreamSupport.stream(record.headers().headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    private ResolvedEvents() {
    }
}
