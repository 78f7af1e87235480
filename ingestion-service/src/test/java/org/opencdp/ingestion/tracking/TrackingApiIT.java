package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.header;
import static org.opencdp.testsupport.ApiClient.json;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class TrackingApiIT {

    private static final String WORKSPACE = "ws_track";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcTemplate jdbc;

    private ApiClient api;
    private TopicReader events;
    private TestSource source;
    private String writeKey;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        source = TestSource.create(api, infrastructure.token(WORKSPACE, "sources:write"), "Web");
        writeKey = source.writeKey();
        events = infrastructure.read(Topics.EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void shouldPublishEveryCallTypeIntactWithKeyCloudEventHeadersAndCorrectedTimestamp() {
        Map<String, String> bodies = Map.of(
                "identify", "{\"userId\": \"u-identify\", \"traits\": {\"email\": \"a@example.com\", \"plan\": null, \"age\": 42}}",
                "track", "{\"userId\": \"u-track\", \"event\": \"Order Completed\", \"properties\": {\"total\": 19.90, \"items\": [{\"sku\": \"x\"}]}}",
                "page", "{\"anonymousId\": \"a-page\", \"name\": \"Pricing\", \"category\": \"Docs\", \"properties\": {\"path\": \"/pricing\"}}",
                "screen", "{\"userId\": \"u-screen\", \"name\": \"Home\", \"properties\": {\"variation\": \"blue\"}}",
                "group", "{\"userId\": \"u-group\", \"groupId\": \"g1\", \"traits\": {\"name\": \"Initech\"}}",
                "alias", "{\"userId\": \"u-alias\", \"previousId\": \"a-old\"}");
        String common = ", \"messageId\": \"m-%s\", \"timestamp\": \"2020-01-01T00:00:00.000Z\", "
                + "\"sentAt\": \"2020-01-01T00:00:10.000Z\", \"integrations\": {\"All\": false, \"Mixpanel\": true}, "
                + "\"context\": {\"ip\": \"203.0.113.7\", \"library\": {\"name\": \"analytics.js\", \"version\": \"2.11.1\"}, "
                + "\"traits\": {\"nested\": {\"deep\": [1, 2.50, \"three\"]}}}}";
        Map<String, String> sent = new java.util.HashMap<>();
        bodies.forEach((type, body) -> {
            String full = body.substring(0, body.length() - 1) + common.formatted(type);
            sent.put(type, full);
            HttpResponse<String> response = api.track("/v1/" + type, writeKey, full);
            assertThat(response.statusCode()).as(type + ": " + response.body()).isEqualTo(200);
            assertThat(json(response)).isEqualTo(MessageCodec.mapper().readTree("{\"success\": true}"));
        });

        List<ConsumerRecord<String, String>> records = events.await(source::published, 6, WAIT);

        assertThat(records).hasSize(6);
        for (ConsumerRecord<String, String> record : records) {
            EventAccepted message = MessageCodec.read(record.value(), EventAccepted.class);
            String type = message.event().type().name();
            JsonNode original = MessageCodec.mapper().readTree(sent.get(type));
            JsonNode published = MessageCodec.mapper().readTree(record.value()).path("event");

            assertThat(message.workspaceId()).isEqualTo(WORKSPACE);
            assertThat(message.sourceId()).isEqualTo(source.id());
            assertThat(message.event().messageId()).isEqualTo("m-" + type);
            assertThat(record.key()).isEqualTo(WORKSPACE + ":" + message.event().personId());
            assertThat(message.event().personId()).isEqualTo(original.has("userId")
                    ? original.path("userId").asString() : original.path("anonymousId").asString());
            for (String field : List.of("context", "integrations", "properties", "traits")) {
                assertThat(published.path(field)).as(type + " " + field).isEqualTo(original.path(field));
            }
            assertThat(message.event().originalTimestamp()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
            assertThat(message.event().sentAt()).isEqualTo(Instant.parse("2020-01-01T00:00:10Z"));
            assertThat(message.event().timestamp()).isEqualTo(message.event().receivedAt().minusSeconds(10));
            assertThat(message.occurredAt()).isEqualTo(message.event().timestamp());
            assertThat(message.receivedAt()).isEqualTo(message.event().receivedAt());
            assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(header(record, CloudEventHeaders.ID)).isEqualTo(message.id().toString());
            assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("cdp.ingestion.event-accepted");
            assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/opencdp/ingestion");
            assertThat(header(record, CloudEventHeaders.SUBJECT)).isEqualTo(message.event().personId());
            assertThat(header(record, CloudEventHeaders.WORKSPACE)).isEqualTo(WORKSPACE);
            assertThat(Instant.parse(header(record, CloudEventHeaders.TIME))).isEqualTo(message.occurredAt());
        }
        assertThat(records).extracting(r -> MessageCodec.read(r.value(), EventAccepted.class).event().type())
                .containsExactlyInAnyOrder(EventType.values());
        assertThat(records).filteredOn(r -> r.key().endsWith(":u-track")).singleElement()
                .satisfies(r -> assertThat(r.value()).contains("\"total\":19.90"));
        assertThat(records).filteredOn(r -> r.key().endsWith(":u-identify")).singleElement()
                .satisfies(r -> assertThat(r.value()).contains("\"plan\":null"));
    }

    @Test
    void shouldAcceptTheOneLetterPathsAndTrailingSlashes() {
        assertThat(api.track("/v1/t", writeKey, "{\"userId\": \"u1\", \"event\": \"Short\"}").statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/i/", writeKey, "{\"userId\": \"u1\"}").statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/p", writeKey, "{\"anonymousId\": \"a1\"}").statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/import/", writeKey, "{\"batch\": [{\"type\": \"track\", \"userId\": \"u1\", "
                + "\"event\": \"Imported\"}]}").statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/b", writeKey, "{\"batch\": [{\"type\": \"screen\", \"userId\": \"u1\"}]}")
                .statusCode()).isEqualTo(200);

        var records = events.await(source::published, 5, WAIT);

        assertThat(records).extracting(r -> MessageCodec.read(r.value(), EventAccepted.class).event().type())
                .containsExactlyInAnyOrder(EventType.track, EventType.identify, EventType.page, EventType.track,
                        EventType.screen);
    }

    @Test
    void shouldAcceptTheWriteKeyInTheBodyWithAnyContentType() {
        HttpResponse<String> response = api.send(api.request("/v1/track").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"writeKey\": \"" + writeKey + "\", \"anonymousId\": "
                        + "\"a-beacon\", \"event\": \"Clicked\", \"messageId\": \"m-body-key\"}")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var records = events.await(source::published, 1, WAIT);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(WORKSPACE + ":a-beacon");
            assertThat(r.value()).doesNotContain(writeKey);
        });
    }

    @Test
    void shouldAcceptAGzipBatchAndApplyTheBatchSentAtAndContext() {
        String batch = """
                {"sentAt": "2020-01-01T00:01:00Z", "context": {"library": {"name": "analytics-java"}},
                 "batch": [
                   {"type": "identify", "userId": "u-gzip", "timestamp": "2020-01-01T00:00:00Z", "traits": {"plan": "pro"}},
                   {"type": "track", "userId": "u-gzip", "event": "Upgraded", "timestamp": "2020-01-01T00:00:30Z",
                    "context": {"ip": "198.51.100.1"}}
                 ]}""";
        HttpResponse<String> response = api.send(api.request("/v1/batch")
                .header("Authorization", ApiClient.basic(writeKey)).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ApiClient.gzip(batch.getBytes(StandardCharsets.UTF_8)))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).has("rejected")).isFalse();
        var records = events.await(source::published, 2, WAIT);
        assertThat(records).hasSize(2);
        var identify = MessageCodec.read(records.getFirst().value(), EventAccepted.class).event();
        var track = MessageCodec.read(records.get(1).value(), EventAccepted.class).event();
        assertThat(identify.type()).isEqualTo(EventType.identify);
        assertThat(identify.timestamp()).isEqualTo(identify.receivedAt().minusSeconds(60));
        assertThat(identify.context()).isEqualTo(MessageCodec.mapper().readTree("{\"library\": {\"name\": \"analytics-java\"}}"));
        assertThat(track.timestamp()).isEqualTo(track.receivedAt().minusSeconds(30));
        assertThat(track.context()).isEqualTo(MessageCodec.mapper().readTree(
                "{\"library\": {\"name\": \"analytics-java\"}, \"ip\": \"198.51.100.1\"}"));
    }

    @Test
    void shouldAcceptTheValidEventsOfABatchAndReportAndPublishTheInvalidOnes() {
        String batch = """
                {"batch": [
                  {"type": "track", "userId": "u-mix", "event": "Valid One"},
                  {"type": "track", "userId": "u-mix", "properties": {"no": "event"}},
                  {"type": "identify", "traits": {"email": "nobody@example.com"}},
                  "not an event",
                  {"type": "page", "anonymousId": "a-mix", "name": "Valid Two"}
                ]}""";
        try (TopicReader rejectedTopic = infrastructure.read(Topics.REJECTED_EVENTS)) {
            HttpResponse<String> response = api.track("/v1/batch", writeKey, batch);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.path("success").asBoolean()).isTrue();
            assertThat(body.path("rejected").valueStream().map(r -> r.path("index").asInt() + ":" + r.path("code").asString()))
                    .containsExactly("1:missing_field", "2:missing_identity", "3:invalid_event");
            assertThat(body.path("rejected").get(0).path("message").asString()).contains("'event'");

            var accepted = events.await(source::published, 2, WAIT);
            assertThat(accepted).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder(WORKSPACE + ":u-mix", WORKSPACE + ":a-mix");

            var rejected = rejectedTopic.await(source::published, 3, WAIT);
            assertThat(rejected).hasSize(3);
            var byPerson = rejected.stream().map(r -> MessageCodec.read(r.value(), EventRejected.class)).toList();
            assertThat(byPerson).extracting(m -> m.reasons().getFirst().code())
                    .containsExactlyInAnyOrder("missing_field", "missing_identity", "invalid_event");
            assertThat(byPerson).filteredOn(m -> "u-mix".equals(m.personId())).singleElement().satisfies(m -> {
                assertThat(m.event().path("properties").path("no").asString()).isEqualTo("event");
                assertThat(m.reasons().getFirst().path()).isEqualTo("/event");
            });
            assertThat(rejected).allSatisfy(r -> {
                assertThat(header(r, CloudEventHeaders.TYPE)).isEqualTo("cdp.ingestion.event-rejected");
                assertThat(header(r, CloudEventHeaders.WORKSPACE)).isEqualTo(WORKSPACE);
            });
            assertThat(rejected).extracting(ConsumerRecord::key).contains(WORKSPACE + ":u-mix", WORKSPACE + ":unknown");
        }
        assertThat(meters.get(TrackingMetrics.ACCEPTED).tag("source", source.id()).counter().count()).isEqualTo(2);
        assertThat(meters.get(TrackingMetrics.REJECTED).tag("source", source.id()).tag("reason", "invalid_event")
                .counter().count()).isEqualTo(3);
    }

    @Test
    void shouldAnswerCorsPreflightsAndAddCorsHeadersToAnswers() {
        HttpResponse<String> preflight = api.send(api.request("/v1/track").header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,content-encoding")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                .contains("authorization").contains("content-type").contains("content-encoding");

        HttpResponse<String> answer = api.send(api.request("/v1/track").header("Origin", "https://shop.example")
                .header("Authorization", ApiClient.basic(writeKey))
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"u-cors\", \"event\": \"E\"}")));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).contains("*");

        HttpResponse<String> refused = api.send(api.request("/v1/track").header("Origin", "https://shop.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"u-cors\", \"event\": \"E\"}")));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void shouldDropEventsOfSuppressedIdentifiersWithA200AndAcknowledgeTheCommandOnce() {
        UUID requestId = UUID.randomUUID();
        var command = new PrivacyCommandIssued(UUID.randomUUID(), WORKSPACE, Instant.now(), requestId,
                PrivacyCommandIssued.Command.ERASE, List.of("p-1"), List.of(new Identifier("user_id", "u-gone"),
                new Identifier("email", "Gone@Example.com"), new Identifier("anonymous_id", "a-gone"),
                new Identifier("phone", "+15550100")), true);
        try (TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS);
             TopicReader rejectedTopic = infrastructure.read(Topics.REJECTED_EVENTS);
             TopicWriter writer = infrastructure.writer()) {
            writer.send(command);
            var acknowledged = acks.await(r -> r.key().equals(command.key()), 1, WAIT);
            assertThat(acknowledged).hasSize(1);
            PrivacyCommandAcknowledged ack = MessageCodec.read(acknowledged.getFirst().value(),
                    PrivacyCommandAcknowledged.class);
            assertThat(ack.service()).isEqualTo("ingestion");
            assertThat(ack.outcome()).isEqualTo(PrivacyCommandAcknowledged.Outcome.DONE);
            assertThat(ack.requestId()).isEqualTo(requestId);
            assertThat(ack.workspaceId()).isEqualTo(WORKSPACE);
            assertThat(header(acknowledged.getFirst(), CloudEventHeaders.TYPE))
                    .isEqualTo("cdp.privacy.command-acknowledged");

            HttpResponse<String> byUserId = api.track("/v1/track", writeKey,
                    "{\"userId\": \"u-gone\", \"event\": \"Came Back\", \"messageId\": \"m-gone-1\"}");
            HttpResponse<String> byEmail = api.track("/v1/identify", writeKey, "{\"anonymousId\": \"a-new\", "
                    + "\"messageId\": \"m-gone-2\", \"traits\": {\"email\": \" gone@example.COM\"}}");
            HttpResponse<String> batch = api.track("/v1/batch", writeKey, """
                    {"batch": [
                      {"type": "page", "anonymousId": "a-gone", "messageId": "m-gone-3"},
                      {"type": "track", "userId": "u-other", "event": "E", "messageId": "m-kept",
                       "context": {"traits": {"email": "someone@example.com"}}},
                      {"type": "track", "userId": "u-x", "event": "E", "messageId": "m-gone-4",
                       "context": {"traits": {"email": "GONE@example.com"}}}
                    ]}""");

            for (HttpResponse<String> response : List.of(byUserId, byEmail, batch)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(json(response)).isEqualTo(MessageCodec.mapper().readTree("{\"success\": true}"));
            }
            events.await(source::published, 1, WAIT);
            assertThat(events.drain(source::published, Duration.ofSeconds(1))).singleElement()
                    .satisfies(r -> assertThat(r.value()).contains("m-kept"));
            var dropped = rejectedTopic.await(source::published, 4, WAIT);
            assertThat(dropped).hasSize(4).allSatisfy(record -> {
                EventRejected message = MessageCodec.read(record.value(), EventRejected.class);
                assertThat(message.reasons()).extracting(EventRejected.Reason::code).containsExactly("suppressed");
                assertThat(message.personId()).isNull();
                assertThat(record.key()).isEqualTo(WORKSPACE + ":unknown");
                assertThat(record.value()).doesNotContainIgnoringCase("gone@").doesNotContain("u-gone", "a-gone");
            });
            assertThat(dropped).extracting(r -> MessageCodec.read(r.value(), EventRejected.class).event()
                    .path("messageId").asString()).containsExactlyInAnyOrder("m-gone-1", "m-gone-2", "m-gone-3",
                    "m-gone-4");
            assertThat(meters.get(TrackingMetrics.REJECTED).tag("source", source.id()).tag("reason", "suppressed")
                    .counter().count()).isEqualTo(4);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM suppressions WHERE workspace_id = ?", Long.class,
                    WORKSPACE)).isEqualTo(3);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM suppressions WHERE row(suppressions.*)::text "
                    + "ILIKE '%gone%'", Long.class)).isZero();

            // the same command again changes nothing and is not acknowledged twice; an export lists the suppressions
            writer.send(command);
            var export = new PrivacyCommandIssued(UUID.randomUUID(), WORKSPACE, Instant.now(), UUID.randomUUID(),
                    PrivacyCommandIssued.Command.EXPORT, List.of(), List.of(new Identifier("user_id", "u-gone"),
                    new Identifier("user_id", "u-never")), false);
            writer.send(export);
            var exported = acks.await(r -> r.key().equals(export.key()), 1, WAIT);
            assertThat(exported).hasSize(1);
            JsonNode data = MessageCodec.read(exported.getFirst().value(), PrivacyCommandAcknowledged.class).export();
            assertThat(data.path("suppressedIdentifiers")).hasSize(1);
            assertThat(data.path("suppressedIdentifiers").get(0).path("value").asString()).isEqualTo("u-gone");
            assertThat(acks.drain(r -> r.key().equals(command.key()), Duration.ofSeconds(1))).hasSize(1);
        }
    }

}
