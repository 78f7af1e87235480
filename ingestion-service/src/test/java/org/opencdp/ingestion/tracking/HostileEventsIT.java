package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10, hostile clients: an event time far in the future is set to the received time (and the
 * change recorded in the event), and a retried batch yields the same event ids.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class HostileEventsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private ApiClient api;
    private TopicReader events;
    private TestSource source;
    private String workspace;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        workspace = Workspaces.fresh();
        source = TestSource.create(api, infrastructure.token(workspace, "sources:write"), "Web");
        events = infrastructure.read(Topics.EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void shouldSetAYear9999TimestampToTheReceivedTimeAndRecordTheChange() {
        Instant before = Instant.now();
        HttpResponse<String> response = api.track("/v1/identify", source.writeKey(), Map.of("userId", "u-9999",
                "messageId", "m-9999", "timestamp", "9999-12-31T23:59:59.000Z", "traits", Map.of("plan", "locked"),
                "context", Map.of("ip", "203.0.113.9")));
        Instant after = Instant.now();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        EventAccepted accepted = only(events.await(source::published, 1, WAIT));
        assertThat(accepted.event().timestamp()).isEqualTo(accepted.receivedAt()).isBetween(before, after);
        assertThat(accepted.occurredAt()).isEqualTo(accepted.receivedAt());
        assertThat(accepted.event().originalTimestamp()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(accepted.event().context()).isEqualTo(MessageCodec.mapper().readTree("""
                {"ip": "203.0.113.9",
                 "opencdp": {"timestampAdjusted": {"from": "9999-12-31T23:59:59Z", "reason": "future"}}}"""));
    }

    @Test
    void shouldKeepAnEventTimeWithinTheToleranceUntouched() {
        Instant inTwoMinutes = Instant.now().plus(Duration.ofMinutes(2));

        HttpResponse<String> response = api.track("/v1/track", source.writeKey(), Map.of("userId", "u-soon",
                "event", "Clock A Bit Fast", "timestamp", inTwoMinutes.toString()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        EventAccepted accepted = only(events.await(source::published, 1, WAIT));
        assertThat(accepted.event().timestamp()).isEqualTo(inTwoMinutes);
        assertThat(accepted.event().context()).isNull();
    }

    @Test
    void shouldClampOnlyTheFutureEventsOfABatch() {
        Instant past = Instant.parse("2024-01-01T00:00:00Z");
        Instant soon = Instant.now().plus(Duration.ofMinutes(1));
        HttpResponse<String> response = api.track("/v1/batch", source.writeKey(), Map.of("batch", List.of(
                Map.of("type", "track", "userId", "u-mix", "event", "Past", "messageId", "m-0",
                        "timestamp", past.toString()),
                Map.of("type", "track", "userId", "u-mix", "event", "Far Future", "messageId", "m-1",
                        "timestamp", "3000-01-01T00:00:00Z"),
                Map.of("type", "track", "userId", "u-mix", "event", "Soon", "messageId", "m-2",
                        "timestamp", soon.toString()),
                Map.of("type", "track", "userId", "u-mix", "event", "Hour Ahead", "messageId", "m-3",
                        "timestamp", Instant.now().plus(Duration.ofHours(1)).toString()))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<EventAccepted> accepted = events.await(source::published, 4, WAIT).stream().map(HostileEventsIT::read)
                .sorted(Comparator.comparing(message -> message.event().messageId())).toList();
        assertThat(accepted.get(0).event().timestamp()).isEqualTo(past);
        assertThat(accepted.get(0).event().context()).isNull();
        assertThat(accepted.get(1).event().timestamp()).isEqualTo(accepted.get(1).receivedAt());
        assertThat(adjustedFrom(accepted.get(1))).isEqualTo("3000-01-01T00:00:00Z");
        assertThat(accepted.get(2).event().timestamp()).isEqualTo(soon);
        assertThat(accepted.get(2).event().context()).isNull();
        assertThat(accepted.get(3).event().timestamp()).isEqualTo(accepted.get(3).receivedAt());
        assertThat(adjustedFrom(accepted.get(3))).isNotBlank();
    }

    @Test
    void shouldGiveTheEventsOfARetriedBatchTheSameIds() { // an SDK retrying after a partial 503
        String batch = """
                {"batch": [{"type": "track", "userId": "u-retry", "event": "Clicked", "messageId": "m-retry-1"},
                           {"type": "identify", "userId": "u-retry", "messageId": "m-retry-2", "traits": {"a": 1}},
                           {"type": "page", "anonymousId": "a-retry", "name": "Home"}]}""";

        assertThat(api.track("/v1/batch", source.writeKey(), batch).statusCode()).isEqualTo(200);
        Map<String, EventAccepted> first = byType(events.await(source::published, 3, WAIT));
        assertThat(api.track("/v1/batch", source.writeKey(), batch).statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, String>> both = events.await(source::published, 6, WAIT);
        assertThat(both).hasSize(6);
        Instant firstSend = first.get("track").receivedAt();
        // the second send's records: those received at another time than the first's
        Map<String, EventAccepted> second = byType(both.stream()
                .filter(record -> !read(record).receivedAt().equals(firstSend)).toList());

        assertThat(second.get("track").id()).isEqualTo(first.get("track").id())
                .isEqualTo(EventIds.of(workspace, "m-retry-1"));
        assertThat(second.get("identify").id()).isEqualTo(first.get("identify").id())
                .isEqualTo(EventIds.of(workspace, "m-retry-2"));
        // without a messageId each send is a new event
        assertThat(second.get("page").id()).isNotEqualTo(first.get("page").id());
        // the same messageId in another workspace is another event
        String other = Workspaces.fresh();
        TestSource elsewhere = TestSource.create(api, infrastructure.token(other, "sources:write"), "Web");
        assertThat(api.track("/v1/batch", elsewhere.writeKey(), batch).statusCode()).isEqualTo(200);
        List<UUID> otherIds = events.await(elsewhere::published, 3, WAIT).stream().map(HostileEventsIT::read)
                .map(EventAccepted::id).toList();
        assertThat(otherIds).hasSize(3).doesNotContain(first.get("track").id(), first.get("identify").id());
    }

    /** The events of one send, by call type (records of different people may arrive in any order). */
    private static Map<String, EventAccepted> byType(List<ConsumerRecord<String, String>> records) {
        assertThat(records).hasSize(3);
        return records.stream().map(HostileEventsIT::read)
                .collect(Collectors.toMap(message -> message.event().type().name(), message -> message));
    }

    private static EventAccepted only(List<ConsumerRecord<String, String>> records) {
        assertThat(records).hasSize(1);
        return read(records.getFirst());
    }

    private static EventAccepted read(ConsumerRecord<String, String> record) {
        return MessageCodec.read(record.value(), EventAccepted.class);
    }

    private static String adjustedFrom(EventAccepted accepted) {
        JsonNode context = accepted.event().context();
        return context.path("opencdp").path("timestampAdjusted").path("from").asString();
    }
}
