package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The real server-side SDKs, unchanged but for their endpoint, send every call type in batches
 * (analytics-java to {@code /v1/import/}, the RudderStack Java SDK gzipped to {@code /v1/batch}),
 * and everything they send arrives on the events topic intact.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class SdkClientsIT {

    private static final String WORKSPACE = "ws_sdk";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, Object> PROPERTIES = Map.of("total", 19.9, "currency", "EUR",
            "items", List.of(Map.of("sku", "sku-1", "quantity", 2)), "gift", true);
    private static final JsonNode PROPERTIES_JSON = MessageCodec.mapper().readTree("""
            {"total": 19.9, "currency": "EUR", "items": [{"sku": "sku-1", "quantity": 2}], "gift": true}""");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private TestSource source;
    private String writeKey;
    private TopicReader events;
    private final AtomicInteger delivered = new AtomicInteger();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        source = TestSource.create(ApiClient.onPort(port), infrastructure.token(WORKSPACE, "sources:write"),
                "Java");
        writeKey = source.writeKey();
        events = infrastructure.read(Topics.EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void shouldReceiveEveryCallOfTheSegmentJavaSdkIntact() {
        Instant anHourAgo = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        var analytics = com.segment.analytics.Analytics.builder(writeKey)
                .endpoint("http://localhost:" + port)
                .flushQueueSize(4)
                .flushInterval(30, TimeUnit.SECONDS)
                .callback(new com.segment.analytics.Callback() {
                    @Override
                    public void success(com.segment.analytics.messages.Message message) {
                        delivered.incrementAndGet();
                    }

                    @Override
                    public void failure(com.segment.analytics.messages.Message message, Throwable error) {
                        failures.add(error);
                    }
                })
                .build();
        try {
            analytics.enqueue(com.segment.analytics.messages.IdentifyMessage.builder().userId("u-seg")
                    .messageId("seg-identify").traits(Map.of("email", "ada@example.com", "plan", "pro", "age", 36)));
            analytics.enqueue(com.segment.analytics.messages.TrackMessage.builder("Order Completed").userId("u-seg")
                    .messageId("seg-track").timestamp(Date.from(anHourAgo)).properties(PROPERTIES));
            analytics.enqueue(com.segment.analytics.messages.PageMessage.builder("Pricing").anonymousId("a-seg")
                    .messageId("seg-page").properties(Map.of("path", "/pricing")));
            analytics.enqueue(com.segment.analytics.messages.ScreenMessage.builder("Home").userId("u-seg")
                    .messageId("seg-screen").properties(Map.of("variation", "blue")));
            analytics.enqueue(com.segment.analytics.messages.GroupMessage.builder("g-seg").userId("u-seg")
                    .messageId("seg-group").traits(Map.of("name", "Initech", "employees", 120)));
            analytics.enqueue(com.segment.analytics.messages.AliasMessage.builder("a-seg").userId("u-seg")
                    .messageId("seg-alias"));
            analytics.flush();

            await().atMost(WAIT).until(() -> delivered.get() + failures.size() >= 6);
        } finally {
            analytics.shutdown();
        }
        assertThat(failures).isEmpty();
        assertDelivered("seg-", "u-seg", "a-seg", "g-seg", anHourAgo);
    }

    @Test
    void shouldReceiveEveryCallOfTheRudderStackJavaSdkIntact() {
        Instant anHourAgo = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        var analytics = com.rudderstack.sdk.java.analytics.RudderAnalytics.builder(writeKey)
                .setDataPlaneUrl("http://localhost:" + port)
                .flushQueueSize(4)
                .flushInterval(30, TimeUnit.SECONDS)
                .callback(new com.rudderstack.sdk.java.analytics.Callback() {
                    @Override
                    public void success(com.rudderstack.sdk.java.analytics.messages.Message message) {
                        delivered.incrementAndGet();
                    }

                    @Override
                    public void failure(com.rudderstack.sdk.java.analytics.messages.Message message, Throwable error) {
                        failures.add(error);
                    }
                })
                .build();
        try {
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.IdentifyMessage.builder().userId("u-rs")
                    .messageId("rs-identify").traits(Map.of("email", "ada@example.com", "plan", "pro", "age", 36)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.TrackMessage.builder("Order Completed")
                    .userId("u-rs").messageId("rs-track").timestamp(Date.from(anHourAgo)).properties(PROPERTIES));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.PageMessage.builder("Pricing")
                    .anonymousId("a-rs").messageId("rs-page").properties(Map.of("path", "/pricing")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.ScreenMessage.builder("Home").userId("u-rs")
                    .messageId("rs-screen").properties(Map.of("variation", "blue")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.GroupMessage.builder("g-rs").userId("u-rs")
                    .messageId("rs-group").traits(Map.of("name", "Initech", "employees", 120)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.AliasMessage.builder("a-rs").userId("u-rs")
                    .messageId("rs-alias"));
            analytics.flush();

            await().atMost(WAIT).until(() -> delivered.get() + failures.size() >= 6);
        } finally {
            analytics.shutdown();
        }
        assertThat(failures).isEmpty();
        assertDelivered("rs-", "u-rs", "a-rs", "g-rs", anHourAgo);
    }

    private void assertDelivered(String prefix, String userId, String anonymousId, String groupId, Instant anHourAgo) {
        List<ConsumerRecord<String, String>> records = events.await(source::published, 6, WAIT);
        Map<String, EventAccepted> byMessageId = records.stream()
                .map(record -> MessageCodec.read(record.value(), EventAccepted.class))
                .collect(Collectors.toMap(message -> message.event().messageId(), Function.identity()));
        assertThat(byMessageId.keySet()).containsExactlyInAnyOrder(prefix + "identify", prefix + "track",
                prefix + "page", prefix + "screen", prefix + "group", prefix + "alias");
        assertThat(records).allSatisfy(record -> assertThat(record.key()).startsWith(WORKSPACE + ":"));

        for (EventAccepted message : byMessageId.values()) {
            SegmentEvent event = message.event();
            assertThat(message.workspaceId()).isEqualTo(WORKSPACE);
            assertThat(event.context().path("library").path("name").asString()).isEqualTo("analytics-java");
            assertThat(event.context().path("library").path("version").asString()).isNotBlank();
            assertThat(event.sentAt()).isNotNull();
            assertThat(event.receivedAt()).isNotNull();
            if (event.type() != EventType.track) {
                assertThat(Duration.between(event.timestamp(), event.receivedAt()).abs())
                        .isLessThan(Duration.ofMinutes(1));
            }
        }

        SegmentEvent identify = byMessageId.get(prefix + "identify").event();
        assertThat(identify.type()).isEqualTo(EventType.identify);
        assertThat(identify.userId()).isEqualTo(userId);
        assertThat(identify.traits()).isEqualTo(MessageCodec.mapper().readTree(
                "{\"email\": \"ada@example.com\", \"plan\": \"pro\", \"age\": 36}"));

        SegmentEvent track = byMessageId.get(prefix + "track").event();
        assertThat(track.type()).isEqualTo(EventType.track);
        assertThat(track.event()).isEqualTo("Order Completed");
        assertThat(track.properties()).isEqualTo(PROPERTIES_JSON);
        assertThat(track.originalTimestamp()).isEqualTo(anHourAgo);
        // clock-skew corrected: receivedAt - (sentAt - originalTimestamp), an hour before it arrived
        assertThat(track.timestamp()).isEqualTo(track.receivedAt().minus(Duration.between(anHourAgo, track.sentAt())));
        assertThat(Duration.between(anHourAgo, track.timestamp()).abs()).isLessThan(Duration.ofMinutes(1));

        SegmentEvent page = byMessageId.get(prefix + "page").event();
        assertThat(page.type()).isEqualTo(EventType.page);
        assertThat(page.anonymousId()).isEqualTo(anonymousId);
        assertThat(page.name()).isEqualTo("Pricing");
        assertThat(page.properties().path("path").asString()).isEqualTo("/pricing");

        SegmentEvent screen = byMessageId.get(prefix + "screen").event();
        assertThat(screen.type()).isEqualTo(EventType.screen);
        assertThat(screen.name()).isEqualTo("Home");
        assertThat(screen.properties().path("variation").asString()).isEqualTo("blue");

        SegmentEvent group = byMessageId.get(prefix + "group").event();
        assertThat(group.type()).isEqualTo(EventType.group);
        assertThat(group.groupId()).isEqualTo(groupId);
        assertThat(group.traits()).isEqualTo(MessageCodec.mapper().readTree("{\"name\": \"Initech\", \"employees\": 120}"));

        SegmentEvent alias = byMessageId.get(prefix + "alias").event();
        assertThat(alias.type()).isEqualTo(EventType.alias);
        assertThat(alias.previousId()).isEqualTo(anonymousId);
        assertThat(alias.userId()).isEqualTo(userId);
    }

}
