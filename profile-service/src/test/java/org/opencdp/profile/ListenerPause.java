package org.opencdp.profile;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/**
 * Pauses the service's Kafka listeners while records are produced, so that records sent to one
 * partition in one producer batch reach the listener in one poll (a fetch never splits a batch),
 * then resumes them: how the batch-path tests put records in one chunk.
 */
public final class ListenerPause {

    private ListenerPause() {
    }

    /** Waits until every listener has its partitions (of {@code partitions} each). */
    public static void awaitAssigned(KafkaListenerEndpointRegistry registry, int partitions) {
        registry.getListenerContainers().forEach(c -> ContainerTestUtils.waitForAssignment(c, partitions));
    }

    /** Runs {@code send} with every listener paused, then resumes them. */
    public static void whilePaused(KafkaListenerEndpointRegistry registry, Runnable send) {
        registry.getListenerContainers().forEach(MessageListenerContainer::pause);
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.getListenerContainers().stream()
                .allMatch(MessageListenerContainer::isContainerPaused));
        try {
            send.run();
        } finally {
            registry.getListenerContainers().forEach(MessageListenerContainer::resume);
        }
    }
}
