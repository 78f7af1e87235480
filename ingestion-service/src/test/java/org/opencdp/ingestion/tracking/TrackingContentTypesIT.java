package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.json;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

/**
 * Issue 10: the Tracking API reads a body from its bytes whatever {@code Content-Type} an SDK sends
 * ({@code application/json}; {@code text/plain} from analytics.js and {@code navigator.sendBeacon};
 * {@code application/x-www-form-urlencoded}, which {@code @rudderstack/rudder-sdk-node} 3.x uses for
 * its gzip JSON batches and which got 400 "The request body is empty"; none), plain or gzip. The
 * servlet container never parses it as form fields. RudderStack's beacon path takes the write key
 * as {@code ?writeKey=}.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class TrackingContentTypesIT {

    private static final String WORKSPACE = "ws_content_types";
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
        source = TestSource.create(api, infrastructure.token(WORKSPACE, "sources:write"), "Any content type");
        events = infrastructure.read(Topics.EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    static Stream<Arguments> contentTypes() {
        return Stream.of("application/json", "application/json; charset=utf-8", "text/plain",
                        "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                        "application/x-www-form-urlencoded; charset=utf-8", "multipart/form-data; boundary=x", "")
                .flatMap(type -> Stream.of(Arguments.of(type, false), Arguments.of(type, true)));
    }

    @ParameterizedTest(name = "Content-Type \"{0}\", gzip {1}")
    @MethodSource("contentTypes")
    void shouldReadABatchFromItsBytesWhateverTheContentType(String contentType, boolean gzip) {
        String messageId = "m-" + UUID.randomUUID();
        // a body that would also parse as one form field, named after its first characters
        byte[] body = ("{\"batch\": [{\"type\": \"track\", \"userId\": \"u-1\", \"event\": \"Order Completed\", "
                + "\"properties\": {\"note\": \"a=b&c=d\"}, \"messageId\": \"" + messageId + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post("/v1/batch", contentType, gzip, body, true);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("success").asBoolean()).isTrue();
        assertThat(events.await(record -> record.value().contains(messageId), 1, WAIT)).singleElement()
                .satisfies(record -> assertThat(record.value()).contains("a=b&c=d"));
    }

    @ParameterizedTest(name = "Content-Type \"{0}\", gzip {1}")
    @MethodSource("contentTypes")
    void shouldReadASingleCallWithItsWriteKeyInTheBodyWhateverTheContentType(String contentType, boolean gzip) {
        String messageId = "m-" + UUID.randomUUID();
        byte[] body = ("{\"writeKey\": \"" + source.writeKey() + "\", \"userId\": \"u-2\", \"event\": \"Signed Up\", "
                + "\"messageId\": \"" + messageId + "\"}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post("/v1/t", contentType, gzip, body, false);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(events.await(record -> record.value().contains(messageId), 1, WAIT)).hasSize(1);
    }

    @Test
    void shouldTakeTheWriteKeyFromTheQueryOnRudderStacksBeaconPath() {
        String messageId = "m-" + UUID.randomUUID();
        byte[] body = ("{\"batch\": [{\"type\": \"track\", \"anonymousId\": \"a-beacon\", \"event\": \"Page Left\", "
                + "\"messageId\": \"" + messageId + "\"}], \"sentAt\": \"2025-01-01T00:00:00.000Z\"}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = api.send(api.request("/beacon/v1/batch?writeKey=" + source.writeKey())
                .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(events.await(record -> record.value().contains(messageId), 1, WAIT)).singleElement()
                .satisfies(record -> assertThat(source.published(record)).isTrue());
    }

    @Test
    void shouldRefuseAnUnknownWriteKeyInTheQuery() {
        HttpResponse<String> response = api.send(api.request("/beacon/v1/batch?writeKey=not-a-key")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\": [{\"type\": \"track\", \"userId\": \"u\", "
                        + "\"event\": \"E\"}]}")));

        ApiClient.assertProblem(response, 401, "invalid_write_key");
    }

    @Test
    void shouldLetThroughThePreflightOfTheHeadersBrowserSdksAdd() {
        // RudderStack's JavaScript SDK: AnonymousId and SentAt; analytics-next on a retry: X-Retry-Count
        HttpResponse<String> preflight = api.send(api.request("/v1/track")
                .header("Origin", "https://shop.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,anonymousid,sentat,x-retry-count")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                .contains("authorization", "content-type", "anonymousid", "sentat", "x-retry-count");
    }

    private HttpResponse<String> post(String path, String contentType, boolean gzip, byte[] body, boolean basic) {
        HttpRequest.Builder request = api.request(path);
        if (basic) {
            request.header("Authorization", ApiClient.basic(source.writeKey()));
        }
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        return api.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(gzip ? ApiClient.gzip(body) : body)));
    }
}
