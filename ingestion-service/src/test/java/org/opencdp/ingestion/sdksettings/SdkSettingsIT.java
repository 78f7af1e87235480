package org.opencdp.ingestion.sdksettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10: the settings browser and mobile SDKs fetch before they send, served by ingestion for the
 * source of a write key, public and readable from any origin. Segment's {@code
 * /v1/projects/{writeKey}/settings} names this ingestion as the Segment.io destination's {@code
 * apiHost}; RudderStack's {@code /sourceConfig} takes the key as Basic user (what its SDK sends) or
 * {@code ?writeKey=}. An unknown key and a disabled source's key get the same 404.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class SdkSettingsIT {

    private static final String WORKSPACE = "ws_sdk_settings";
    private static final String ORIGIN = "https://shop.example.com";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private ApiClient api;
    private String token;
    private TestSource source;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        token = infrastructure.token(WORKSPACE, "sources:write");
        source = TestSource.create(api, token, "Web shop");
    }

    @Test
    void shouldServeSegmentSettingsNamingThisIngestionAsTheApiHost() {
        HttpResponse<String> response = api.send(api.request("/v1/projects/" + source.writeKey() + "/settings")
                .header("Origin", ORIGIN));

        JsonNode settings = body(response, 200);
        JsonNode segmentIo = settings.path("integrations").path("Segment.io");
        assertThat(segmentIo.path("apiKey").asString()).isEqualTo(source.writeKey());
        assertThat(segmentIo.path("apiHost").asString()).isEqualTo("localhost:" + port + "/v1");
        assertThat(segmentIo.path("protocol").asString()).isEqualTo("http");
        assertThat(settings.path("integrations").propertyNames()).as("only the Segment.io destination")
                .containsExactly("Segment.io");
        assertThat(settings.path("plan").path("track").path("__default").path("enabled").asBoolean()).isTrue();
        assertThat(settings.path("edgeFunction").isObject()).isTrue();
        assertThat(settings.path("analyticsNextEnabled").asBoolean()).isTrue();
        assertThat(settings.path("metrics").path("sampleRate").asDouble()).as("no metrics to Segment").isZero();
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(response.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age");
    }

    @Test
    void shouldServeRudderStackSourceConfigForTheBasicUserOrTheQueryWriteKey() {
        HttpResponse<String> byBasic = api.send(api.request("/sourceConfig/?p=npm&v=3.34.1&build=modern&writeKey="
                + source.writeKey()).header("Authorization", ApiClient.basic(source.writeKey())).header("Origin", ORIGIN));
        HttpResponse<String> byQuery = api.get("/sourceConfig?writeKey=" + source.writeKey(), null);

        for (HttpResponse<String> response : java.util.List.of(byBasic, byQuery)) {
            JsonNode config = body(response, 200).path("source");
            assertThat(config.path("id").asString()).isEqualTo(source.id());
            assertThat(config.path("name").asString()).isEqualTo("Web shop");
            assertThat(config.path("writeKey").asString()).isEqualTo(source.writeKey());
            assertThat(config.path("enabled").asBoolean()).isTrue();
            assertThat(config.path("workspaceId").asString()).isEqualTo(WORKSPACE);
            assertThat(config.path("config").isObject()).isTrue();
            assertThat(config.path("destinations").isArray()).isTrue();
            assertThat(config.path("destinations").isEmpty()).isTrue();
        }
        assertThat(byBasic.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void shouldAnswerTheSame404ForAnUnknownKeyAndADisabledSourcesKey() {
        TestSource disabled = TestSource.create(api, token, "Retired app");
        body(api.patch("/v1/sources/" + disabled.id(), token, Map.of("enabled", false)), 200);

        for (String writeKey : new String[] {"not-a-write-key", disabled.writeKey()}) {
            assertProblem(api.get("/v1/projects/" + writeKey + "/settings", null), 404, "source_not_found");
            assertProblem(api.send(api.request("/sourceConfig/").header("Authorization", ApiClient.basic(writeKey))),
                    404, "source_not_found");
            assertProblem(api.get("/sourceConfig?writeKey=" + writeKey, null), 404, "source_not_found");
        }
        assertProblem(api.get("/sourceConfig", null), 401, "missing_write_key");
    }

    @Test
    void shouldAnswerCorsPreflightsFromAnyOrigin() {
        for (String path : new String[] {"/v1/projects/" + source.writeKey() + "/settings", "/sourceConfig/"}) {
            HttpResponse<String> preflight = api.send(api.request(path)
                    .header("Origin", ORIGIN)
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

            assertThat(preflight.statusCode()).as(path + ": " + preflight.body()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as(path).contains("*");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("GET");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                    .contains("authorization");
        }
    }
}
