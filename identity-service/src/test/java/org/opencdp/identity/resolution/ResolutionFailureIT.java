package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.identity.ResolvedEvents.TIMEOUT;
import static org.opencdp.identity.ResolvedEvents.onPartition;

import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.ResolvedEvents;
import org.opencdp.identity.TestEvents;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A transaction of several events that fails because of one of them: only that one is retried and
 * dead-lettered, the others are resolved. Its own context, so the retry time can be short.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=identity-service", "cdp.kit.kafka.max-retry-time=1s"})
class ResolutionFailureIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @BeforeEach
    void listenersOwnTheEventsTopic() {
        ResolvedEvents.awaitListenersAssigned(listeners, 3);
    }

    @Test
    void shouldDeadLetterOnlyTheEventAtFaultWhenATransactionOfSeveralFails() {
        EventAccepted before = TestEvents.track("ws_fault", "u-before", null);
        // PostgreSQL cannot store U+0000: resolving this event fails whatever the graph holds
        EventAccepted faulty = TestEvents.track("ws_fault", "u-\u0000-nul", null);
        EventAccepted after = TestEvents.track("ws_fault", "u-after", null);

        try (TopicWriter writer = infrastructure.writer();
             TopicReader deadLetters = infrastructure.read(Topics.deadLetters("identity"));
             TopicReader resolved = infrastructure.read(Topics.RESOLVED_EVENTS)) {
            // on one partition while the listener is paused: the three reach it in one poll and one transaction
            listeners.getListenerContainers().forEach(MessageListenerContainer::pause);
            await().atMost(TIMEOUT).until(() -> listeners.getListenerContainers().stream()
                    .allMatch(MessageListenerContainer::isContainerPaused));
            // one record batch, which a fetch never splits
            writer.sendAllRecords(Stream.of(before, faulty, after).map(event -> onPartition(0, event)).toList());
            listeners.getListenerContainers().forEach(MessageListenerContainer::resume);

            List<ConsumerRecord<String, String>> resolvedOnes = resolved.await(record -> List.of(
                    before.event().messageId(), after.event().messageId()).contains(ResolvedEvents.messageIdOf(record)),
                    2, TIMEOUT);
            List<ConsumerRecord<String, String>> dead = deadLetters.await(
                    record -> record.key() != null && record.key().startsWith("ws_fault:"), 1, TIMEOUT);

            assertThat(resolvedOnes).hasSize(2);
            assertThat(dead).hasSize(1);
            assertThat(dead.getFirst().value()).contains(faulty.id().toString());
            assertThat(ResolvedEvents.header(dead.getFirst(), KafkaConfiguration.DLT_REASON))
                    .isEqualTo("permanent");
        }
    }
}
