package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.activation.delivery.Peers.body;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MembershipChanged.Transition;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9: the consumers apply chunks of records (three per transaction here, so a poll spans
 * several chunks) and the dispatcher handles a round at once, on real Kafka and PostgreSQL.
 * Records are produced while the listeners are paused, as one record batch on one partition, so
 * they reach the consumer in one poll.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + ActivationServiceApplication.CONFIG_NAME,
                "cdp.kit.consumer.chunk-size=3", "cdp.kit.kafka.max-retry-time=1s"})
class DeliveryBatchIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Peers peers = new Peers();
    private static final ConsentServiceStub consent = peers.consent;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private DestinationsApi api;
    private String workspace;
    private String profileId;
    private String hook;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        profileId = "p-" + UUID.randomUUID();
        hook = Peers.newHook();
        listeners.getListenerContainers().forEach(container -> ContainerTestUtils.waitForAssignment(container, 3));
    }

    @Test
    void shouldQueueOneDeliveryWhenTheSameKafkaMessageComesTwiceInOneChunk() {
        String destinationId = createWebhook("[\"*\"]", "[]");
        String segmentId = "seg-" + UUID.randomUUID();
        String segmentDestinationId = createWebhook("[]", "[\"" + segmentId + "\"]");
        EventResolved twice = track("Signed Up");
        EventResolved after = track("Order Completed");
        MembershipChanged changedTwice = membership(segmentId, Transition.entered, 1);
        MembershipChanged changedAfter = membership(segmentId, Transition.exited, 2);

        produceTogether(twice, twice, after);
        produceTogether(changedTwice, changedTwice, changedAfter);

        awaitDeliveryIds(destinationId, 2);
        assertThat(deliveryIds(destinationId)).containsExactly(eventDelivery(destinationId, after),
                eventDelivery(destinationId, twice));
        awaitDeliveryIds(segmentDestinationId, 2);
        assertThat(deliveryIds(segmentDestinationId)).containsExactly(
                membershipDelivery(segmentDestinationId, changedAfter),
                membershipDelivery(segmentDestinationId, changedTwice));
    }

    @Test
    void shouldQueueOneDeliveryWhenTheSameEventMessageIdComesUnderDifferentMessageIds() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]");
        EventResolved original = track("Order Completed");
        EventResolved retriedAtOnce = TestMessages.resent(original);
        EventResolved other = track("Order Completed");
        EventResolved retriedLater = TestMessages.resent(original);
        EventResolved sentinel = track("Order Completed");

        // the first retry in the same chunk as the original, the second in a later chunk
        produceTogether(original, retriedAtOnce, other, retriedLater, sentinel);

        awaitDeliveryIds(destinationId, 3);
        assertThat(deliveryIds(destinationId)).containsExactly(eventDelivery(destinationId, sentinel),
                eventDelivery(destinationId, other), eventDelivery(destinationId, original));
    }

    @Test
    void shouldDeadLetterPoisonRecordsInTheMiddleOfAChunkAndApplyEveryOtherRecordOnce() {
        String destinationId = createWebhook("[\"*\"]", "[]");
        EventResolved first = track("Cart Viewed");
        EventResolved second = track("Checkout Started");
        EventResolved unstorable = TestMessages.unstorable(workspace, profileId, "Order Completed");
        EventResolved third = track("Order Completed");
        EventResolved fourth = track("Order Shipped");
        String key = first.key();

        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("activation"))) {
            produceTogether(List.of(
                    TestMessages.onPartition(0, first), TestMessages.onPartition(0, second),
                    TestMessages.onPartition(0, unstorable), TestMessages.onPartition(0, third),
                    new ProducerRecord<>(Topics.RESOLVED_EVENTS, 0, key, "{\"id\": \"not json"),
                    TestMessages.onPartition(0, fourth)));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(record -> key.equals(record.key()), 2,
                    TIMEOUT);
            awaitDeliveryIds(destinationId, 4);

            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).value()).contains(unstorable.id().toString());
            assertThat(header(dead.get(0), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(header(dead.get(0), KafkaConfiguration.DLT_ERROR)).contains(unstorable.id().toString());
            assertThat(dead.get(1).value()).isEqualTo("{\"id\": \"not json");
            assertThat(header(dead.get(1), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(deliveryIds(destinationId)).containsExactly(eventDelivery(destinationId, fourth),
                    eventDelivery(destinationId, third), eventDelivery(destinationId, second),
                    eventDelivery(destinationId, first));
        }
    }

    @Test
    void shouldDeadLetterPoisonMembershipChangesInTheMiddleOfAChunkAndApplyEveryOtherOnce() {
        String segmentId = "seg-" + UUID.randomUUID();
        String destinationId = createWebhook("[]", "[\"" + segmentId + "\"]");
        MembershipChanged entered = membership(segmentId, Transition.entered, 1);
        MembershipChanged withoutSegment = new MembershipChanged(UUID.randomUUID(), workspace, Instant.now(), null,
                profileId, Transition.exited, 2);
        MembershipChanged exited = membership(segmentId, Transition.exited, 2);
        MembershipChanged enteredAgain = membership(segmentId, Transition.entered, 3);
        String key = entered.key();

        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("activation"))) {
            produceTogether(List.of(
                    TestMessages.onPartition(0, entered), TestMessages.onPartition(0, withoutSegment),
                    TestMessages.onPartition(0, exited),
                    new ProducerRecord<>(Topics.MEMBERSHIPS, 0, key, "[\"not a membership change\"]"),
                    TestMessages.onPartition(0, enteredAgain)));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(record -> key.equals(record.key()), 2,
                    TIMEOUT);
            awaitDeliveryIds(destinationId, 3);

            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).value()).contains(withoutSegment.id().toString());
            assertThat(header(dead.get(0), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(dead.get(1).value()).isEqualTo("[\"not a membership change\"]");
            assertThat(header(dead.get(1), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(deliveryIds(destinationId)).containsExactly(membershipDelivery(destinationId, enteredAgain),
                    membershipDelivery(destinationId, exited), membershipDelivery(destinationId, entered));
        }
    }

    @Test
    void shouldQueueDeliveriesInConsumedOrderAcrossChunks() {
        String segmentId = "seg-" + UUID.randomUUID();
        String destinationId = createWebhook("[\"*\"]", "[\"" + segmentId + "\"]");
        List<EventResolved> events = new ArrayList<>();
        List<MembershipChanged> changes = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            events.add(track("Step " + i));
            changes.add(membership(segmentId, i % 2 == 1 ? Transition.entered : Transition.exited, i));
        }

        // seven records in chunks of three: 3 + 3 + 1 per topic
        produceTogether(events.toArray(CdpMessage[]::new));
        produceTogether(changes.toArray(CdpMessage[]::new));

        awaitDeliveryIds(destinationId, 14);
        List<JsonNode> log = api.deliveries(destinationId);
        List<UUID> expectedEvents = events.reversed().stream().map(event -> eventDelivery(destinationId, event))
                .toList();
        List<UUID> expectedChanges = changes.reversed().stream()
                .map(change -> membershipDelivery(destinationId, change)).toList();
        // newest first: each topic's deliveries in the reverse of the order they were produced in
        assertThat(log.stream().map(DeliveryBatchIT::id).filter(expectedEvents::contains).toList())
                .containsExactlyElementsOf(expectedEvents);
        assertThat(log.stream().map(DeliveryBatchIT::id).filter(expectedChanges::contains).toList())
                .containsExactlyElementsOf(expectedChanges);
        assertThat(log.stream().filter(d -> expectedChanges.contains(id(d))).map(d -> d.path("kind").asString()))
                .containsExactly("segment_entered", "segment_exited", "segment_entered", "segment_exited",
                        "segment_entered", "segment_exited", "segment_entered");
    }

    @Test
    void shouldAskConsentOnceForARoundOfDestinationsSharingPurposesAndRecordEachOutcome() {
        String firstHook = hook;
        String firstId = createWebhook("[\"Order Completed\"]", "[]");
        hook = Peers.newHook();
        String secondId = createWebhook("[\"Order Completed\"]", "[]");
        String secondHook = hook;
        peers.accepts(firstHook);
        peers.accepts(secondHook);
        String allowed = profileId;
        String denied = "p-" + UUID.randomUUID();
        String undecided = "p-" + UUID.randomUUID();
        // one answer for the whole round, which leaves the undecided profile out; asked alone later, it is
        // still left out (the most recent stub that matches a request answers it)
        consent.answers(undecided, okJson("{\"decisions\": []}"));
        consent.answers(allowed, okJson("""
                {"decisions": [{"profileId": "%s", "decision": "allow", "decisionId": "dec-round-allow"},
                               {"profileId": "%s", "decision": "deny", "decisionId": "dec-round-deny"}]}"""
                .formatted(allowed, denied)));

        // one chunk, so one transaction queues the six deliveries and one round claims them
        produceTogether(TestMessages.track(workspace, allowed, "Order Completed"),
                TestMessages.track(workspace, denied, "Order Completed"),
                TestMessages.track(workspace, undecided, "Order Completed"));

        await().atMost(TIMEOUT).until(() -> List.of(firstId, secondId).stream().allMatch(destination ->
                api.deliveries(destination).stream().filter(d -> !d.path("status").asString().equals("pending"))
                        .count() == 2));
        List<LoggedRequest> asked = consent.requests(allowed);
        assertThat(asked).hasSize(1);
        assertThat(body(asked.getFirst()).path("profileIds").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder(allowed, denied, undecided);
        for (String destinationId : List.of(firstId, secondId)) {
            List<JsonNode> log = api.deliveries(destinationId);
            assertThat(log).hasSize(3);
            JsonNode delivered = byProfile(log, allowed);
            assertThat(delivered.path("status").asString()).isEqualTo("delivered");
            assertThat(delivered.path("consentDecisionId").asString()).isEqualTo("dec-round-allow");
            assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
            JsonNode blocked = byProfile(log, denied);
            assertThat(blocked.path("status").asString()).isEqualTo("blocked_by_consent");
            assertThat(blocked.path("consentDecisionId").asString()).isEqualTo("dec-round-deny");
            assertThat(blocked.path("attempts").asInt()).isZero();
            JsonNode waiting = byProfile(log, undecided);
            assertThat(waiting.path("status").asString()).isEqualTo("pending");
            assertThat(waiting.path("attempts").asInt()).isZero();
            assertThat(waiting.path("lastError").asString())
                    .isEqualTo("consent-service unavailable: no decision for profile " + undecided);
        }
        assertThat(peers.requests(firstHook)).hasSize(1);
        assertThat(peers.requests(secondHook)).hasSize(1);
        assertThat(body(peers.requests(firstHook).getFirst()).path("profileId").asString())
                .isEqualTo(allowed);
    }

    // --- helpers

    /** Produces {@code messages} on partition 0 while the listeners are paused: one poll, chunks of three. */
    private void produceTogether(CdpMessage... records) {
        produceTogether(List.of(records).stream().map(message -> TestMessages.onPartition(0, message)).toList());
    }

    private void produceTogether(List<ProducerRecord<String, String>> records) {
        listeners.getListenerContainers().forEach(MessageListenerContainer::pause);
        try {
            await().atMost(TIMEOUT).until(() -> listeners.getListenerContainers().stream()
                    .allMatch(MessageListenerContainer::isContainerPaused));
            peers.upstream().sendAllRecords(records);
        } finally {
            listeners.getListenerContainers().forEach(MessageListenerContainer::resume);
        }
    }

    private String createWebhook(String eventsJson, String segmentsJson) {
        return api.createWebhook(peers.url(hook), "whsec_batch", eventsJson, segmentsJson, true);
    }

    private EventResolved track(String name) {
        return TestMessages.track(workspace, profileId, name);
    }

    private MembershipChanged membership(String segmentId, Transition transition, long version) {
        return TestMessages.membership(workspace, profileId, segmentId, transition, version);
    }

    private UUID eventDelivery(String destinationId, EventResolved message) {
        return DeliveryIds.ofEvent(workspace, UUID.fromString(destinationId), message.event().messageId());
    }

    private UUID membershipDelivery(String destinationId, MembershipChanged message) {
        return DeliveryIds.ofMembershipChange(workspace, UUID.fromString(destinationId), message.id());
    }

    /**
     * Waits until the destination's log holds {@code count} deliveries. Each test's last record
     * queues the newest of them, so once it is there every record before it was consumed too: an
     * extra delivery would show in the exact assertions that follow.
     */
    private void awaitDeliveryIds(String destinationId, int count) {
        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).size() >= count);
    }

    /** The destination's delivery ids, newest first. */
    private List<UUID> deliveryIds(String destinationId) {
        return api.deliveries(destinationId).stream().map(DeliveryBatchIT::id).toList();
    }

    private static JsonNode byProfile(List<JsonNode> log, String profileId) {
        return log.stream().filter(d -> d.path("profileId").asString().equals(profileId)).findFirst().orElseThrow();
    }

    private static UUID id(JsonNode delivery) {
        return UUID.fromString(delivery.path("id").asString());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
