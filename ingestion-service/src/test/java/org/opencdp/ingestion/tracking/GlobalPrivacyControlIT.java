package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: a Tracking API request with {@code Sec-GPC: 1} publishes every one of its events with
 * {@code context.gpc: true} (what consent-service reads as an opt-out), whatever the body said;
 * without the header (or with another value) the event keeps what its SDK put there.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class GlobalPrivacyControlIT {

    private static final String WORKSPACE = "ws_gpc";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private ApiClient api;
    private TopicReader events;
    private TestSource source;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        source = TestSource.create(api, infrastructure.token(WORKSPACE, "sources:write"), "Browser");
        events = infrastructure.read(Topics.EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void shouldSetGpcOnASingleCallWithTheHeaderWhateverTheBodySaid() {
        String spoofed = "m-" + UUID.randomUUID();
        String bare = "m-" + UUID.randomUUID();

        assertOk(send("/v1/track", "1", "{\"userId\": \"u-gpc\", \"event\": \"Viewed\", \"messageId\": \"" + spoofed
                + "\", \"context\": {\"gpc\": false, \"ip\": \"203.0.113.7\"}}"));
        assertOk(send("/v1/i", "1", "{\"anonymousId\": \"a-gpc\", \"messageId\": \"" + bare + "\"}"));

        Map<String, JsonNode> contexts = contexts(List.of(spoofed, bare));
        assertThat(contexts.get(spoofed)).isEqualTo(tree("{\"gpc\": true, \"ip\": \"203.0.113.7\"}"));
        assertThat(contexts.get(bare)).isEqualTo(tree("{\"gpc\": true}"));
    }

    @Test
    void shouldKeepWhatTheSdkSaidWithoutTheHeaderOrWithAnotherValue() {
        String sdkTrue = "m-" + UUID.randomUUID();
        String sdkFalse = "m-" + UUID.randomUUID();
        String none = "m-" + UUID.randomUUID();
        String zero = "m-" + UUID.randomUUID();

        assertOk(send("/v1/track", null, track(sdkTrue, "{\"gpc\": true}")));
        assertOk(send("/v1/track", null, track(sdkFalse, "{\"gpc\": false}")));
        assertOk(send("/v1/track", null, track(none, "{\"locale\": \"fr-FR\"}")));
        assertOk(send("/v1/track", "0", track(zero, "{\"gpc\": false}")));

        Map<String, JsonNode> contexts = contexts(List.of(sdkTrue, sdkFalse, none, zero));
        assertThat(contexts.get(sdkTrue)).isEqualTo(tree("{\"gpc\": true}"));
        assertThat(contexts.get(sdkFalse)).isEqualTo(tree("{\"gpc\": false}"));
        assertThat(contexts.get(none)).isEqualTo(tree("{\"locale\": \"fr-FR\"}"));
        assertThat(contexts.get(zero)).isEqualTo(tree("{\"gpc\": false}"));
    }

    @Test
    void shouldSetGpcOnEveryEventOfABatchWithTheHeader() {
        String own = "m-" + UUID.randomUUID();
        String spoofed = "m-" + UUID.randomUUID();
        String inherited = "m-" + UUID.randomUUID();

        assertOk(send("/v1/batch", "1", "{\"context\": {\"gpc\": false, \"locale\": \"de-DE\"}, \"batch\": ["
                + "{\"type\": \"track\", \"userId\": \"u-b\", \"event\": \"E\", \"messageId\": \"" + own
                + "\", \"context\": {\"ip\": \"198.51.100.1\"}},"
                + "{\"type\": \"page\", \"userId\": \"u-b\", \"messageId\": \"" + spoofed
                + "\", \"context\": {\"gpc\": false}},"
                + "{\"type\": \"identify\", \"userId\": \"u-b\", \"messageId\": \"" + inherited + "\"}]}"));

        Map<String, JsonNode> contexts = contexts(List.of(own, spoofed, inherited));
        assertThat(contexts.get(own)).isEqualTo(tree("{\"gpc\": true, \"locale\": \"de-DE\", \"ip\": \"198.51.100.1\"}"));
        assertThat(contexts.get(spoofed)).isEqualTo(tree("{\"gpc\": true, \"locale\": \"de-DE\"}"));
        assertThat(contexts.get(inherited)).isEqualTo(tree("{\"gpc\": true, \"locale\": \"de-DE\"}"));
    }

    @Test
    void shouldSetGpcOnTheBeaconPath() {
        String beacon = "m-" + UUID.randomUUID();
        String body = "{\"batch\": [" + track(beacon, "{\"gpc\": false}").replace("{\"userId\"",
                "{\"type\": \"track\", \"userId\"") + "]}";

        HttpResponse<String> response = api.send(api.request("/beacon/v1/batch?writeKey=" + source.writeKey())
                .header("Content-Type", "text/plain;charset=UTF-8").header(GlobalPrivacyControl.HEADER, "1")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertOk(response);
        assertThat(contexts(List.of(beacon)).get(beacon)).isEqualTo(tree("{\"gpc\": true}"));
    }

    private HttpResponse<String> send(String path, String gpc, String body) {
        HttpRequest.Builder request = api.request(path).header("Content-Type", "application/json")
                .header("Authorization", ApiClient.basic(source.writeKey()));
        if (gpc != null) {
            request.header(GlobalPrivacyControl.HEADER, gpc);
        }
        return api.send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String track(String messageId, String context) {
        return "{\"userId\": \"u-sdk\", \"event\": \"Clicked\", \"messageId\": \"" + messageId + "\", \"context\": "
                + context + "}";
    }

    private static void assertOk(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(tree(response.body())).isEqualTo(tree("{\"success\": true}"));
    }

    /** The published context of each event, by message id. */
    private Map<String, JsonNode> contexts(List<String> messageIds) {
        List<ConsumerRecord<String, String>> records = events.await(
                record -> source.published(record) && messageIds.stream().anyMatch(id -> record.value().contains(id)),
                messageIds.size(), WAIT);
        assertThat(records).hasSize(messageIds.size());
        return records.stream().map(record -> tree(record.value()).path("event")).collect(Collectors.toMap(
                event -> event.path("messageId").asString(), event -> event.path("context")));
    }

    private static JsonNode tree(String json) {
        return MessageCodec.mapper().readTree(json);
    }
}
