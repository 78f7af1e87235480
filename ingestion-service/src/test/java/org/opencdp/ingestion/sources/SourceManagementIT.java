package org.opencdp.ingestion.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;
import static org.opencdp.ingestion.IngestionTests.createSource;
import static org.opencdp.testsupport.ApiClient.body;
import static org.opencdp.testsupport.ApiClient.json;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class SourceManagementIT {

    private static final String EVENT = "{\"userId\": \"u1\", \"event\": \"Signed Up\"}";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String writer = infrastructure.token("ws_a", "sources:write");
    private final String reader = infrastructure.token("ws_a", "sources:read");
    private final String otherWorkspace = infrastructure.token("ws_b", "sources:write sources:read");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private ApiClient api;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
    }

    @Test
    void shouldCreateASourceAndShowItsWriteKeyOnlyOnce() {
        Instant before = Instant.now();

        JsonNode created = createSource(api, writer, "Web");

        String writeKey = created.path("writeKey").asString();
        assertThat(writeKey).matches("wk_[A-Za-z0-9_-]{43}");
        assertThat(created.path("name").asString()).isEqualTo("Web");
        assertThat(created.path("writeKeyHint").asString()).isEqualTo(writeKey.substring(0, 6) + "…");
        assertThat(created.path("enabled").asBoolean()).isTrue();
        assertThat(Instant.parse(created.path("createdAt").asString())).isAfterOrEqualTo(before.minusSeconds(1));
        String id = created.path("id").asString();

        JsonNode fetched = json(api.get("/v1/sources/" + id, reader));
        assertThat(fetched.has("writeKey")).isFalse();
        assertThat(fetched.path("id").asString()).isEqualTo(id);
        assertThat(fetched.path("writeKeyHint").asString()).isEqualTo(created.path("writeKeyHint").asString());
        assertThat(fetched.path("createdAt").asString()).isEqualTo(created.path("createdAt").asString());
        assertThat(fetched.path("updatedAt").isString()).isTrue();

        JsonNode listed = json(api.get("/v1/sources", writer));
        assertThat(listed.path("items").valueStream().map(item -> item.path("id").asString())).contains(id);
        assertThat(listed.toString()).doesNotContain(writeKey);

        assertThat(jdbc.queryForObject("SELECT write_key_hash FROM sources WHERE id = ?::uuid", String.class, id))
                .isEqualTo(WriteKeys.hash(writeKey));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sources WHERE row(sources.*)::text LIKE ?",
                Long.class, "%" + writeKey.substring(3) + "%")).isZero();
    }

    @Test
    void shouldRequireTheSourcesScopes() {
        String id = createSource(api, writer, "Scoped").path("id").asString();
        String unrelated = infrastructure.token("ws_a", "profiles:read");

        assertProblem(api.post("/v1/sources", reader, "{\"name\": \"x\"}"), 403, "missing_scope");
        assertProblem(api.patch("/v1/sources/" + id, reader, "{\"enabled\": false}"), 403, "missing_scope");
        assertProblem(api.post("/v1/sources/" + id + "/write-key", reader, null), 403, "missing_scope");
        assertProblem(api.get("/v1/sources", unrelated), 403, "missing_scope");
        assertProblem(api.get("/v1/sources/" + id, unrelated), 403, "missing_scope");
        assertProblem(api.get("/v1/sources", null), 401, "missing_token");
        assertThat(api.get("/v1/sources/" + id, reader).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/sources/" + id, writer).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerNotFoundForAnotherWorkspacesSource() {
        String id = createSource(api, writer, "Mine").path("id").asString();

        assertProblem(api.get("/v1/sources/" + id, otherWorkspace), 404, "source_not_found");
        assertProblem(api.patch("/v1/sources/" + id, otherWorkspace, "{\"enabled\": false}"), 404,
                "source_not_found");
        assertProblem(api.post("/v1/sources/" + id + "/write-key", otherWorkspace, null), 404,
                "source_not_found");
        assertThat(json(api.get("/v1/sources", otherWorkspace)).toString()).doesNotContain(id);
        assertProblem(api.get("/v1/sources/00000000-0000-0000-0000-000000000000", writer), 404, "source_not_found");
        assertProblem(api.get("/v1/sources/not-a-uuid", writer), 404, "source_not_found");
        assertThat(json(api.get("/v1/sources/" + id, writer)).path("enabled").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseInvalidRequests() {
        String id = createSource(api, writer, "Valid").path("id").asString();

        assertProblem(api.post("/v1/sources", writer, "{\"name\": \" \"}"), 400, "validation_failed");
        assertProblem(api.post("/v1/sources", writer, "{\"name\": \"" + "n".repeat(201) + "\"}"), 400,
                "validation_failed");
        assertProblem(api.patch("/v1/sources/" + id, writer, "{}"), 400, "validation_failed");
        assertProblem(api.patch("/v1/sources/" + id, writer, "{\"enabled\": "), 400, "malformed_body");
        JsonNode zero = assertProblem(api.patch("/v1/sources/" + id, writer,
                "{\"rateLimit\": {\"eventsPerSecond\": 0, \"burst\": 10}}"), 400, "validation_failed");
        assertThat(zero.path("errors").get(0).path("pointer").asString()).isEqualTo("/rateLimit/eventsPerSecond");
        assertProblem(api.patch("/v1/sources/" + id, writer, "{\"rateLimit\": {\"eventsPerSecond\": 5}}"),
                400, "validation_failed");
        assertProblem(api.patch("/v1/sources/" + id, writer, "{\"rateLimit\": 5}"), 400, "malformed_body");
        assertThat(json(api.get("/v1/sources/" + id, reader)).path("rateLimit").path("custom").asBoolean()).isFalse();
    }

    @Test
    void shouldSetAndResetASourcesOwnRateLimit() {
        String id = createSource(api, writer, "Limited").path("id").asString();
        JsonNode defaults = json(api.get("/v1/sources/" + id, reader)).path("rateLimit");
        assertThat(defaults.path("custom").asBoolean()).isFalse();
        assertThat(defaults.path("eventsPerSecond").asInt()).isEqualTo(2_000);
        assertThat(defaults.path("burst").asInt()).isEqualTo(10_000);

        JsonNode set = body(api.patch("/v1/sources/" + id, writer,
                "{\"rateLimit\": {\"eventsPerSecond\": 50, \"burst\": 200}}"), 200);
        assertThat(set.path("rateLimit").path("eventsPerSecond").asInt()).isEqualTo(50);
        assertThat(set.path("rateLimit").path("burst").asInt()).isEqualTo(200);
        assertThat(set.path("rateLimit").path("custom").asBoolean()).isTrue();
        assertThat(set.path("enabled").asBoolean()).isTrue();

        JsonNode disabled = json(api.patch("/v1/sources/" + id, writer, "{\"enabled\": false}"));
        assertThat(disabled.path("rateLimit").path("eventsPerSecond").asInt()).isEqualTo(50);
        assertThat(json(api.get("/v1/sources/" + id, reader)).path("rateLimit")).isEqualTo(set.path("rateLimit"));

        JsonNode reset = json(api.patch("/v1/sources/" + id, writer, "{\"rateLimit\": null}"));
        assertThat(reset.path("rateLimit")).isEqualTo(defaults);
        assertThat(reset.path("enabled").asBoolean()).isFalse();
        assertProblem(api.patch("/v1/sources/" + id, otherWorkspace, "{\"rateLimit\": null}"), 404,
                "source_not_found");
        assertProblem(api.patch("/v1/sources/" + id, reader, "{\"rateLimit\": null}"), 403,
                "missing_scope");
    }

    @Test
    void shouldRefuseEventsWhileTheSourceIsDisabled() {
        JsonNode created = createSource(api, writer, "Toggle");
        String id = created.path("id").asString();
        String writeKey = created.path("writeKey").asString();
        assertThat(api.track("/v1/track", writeKey, EVENT).statusCode()).isEqualTo(200);

        JsonNode disabled = body(api.patch("/v1/sources/" + id, writer, "{\"enabled\": false}"), 200);
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(json(api.get("/v1/sources/" + id, reader)).path("enabled").asBoolean()).isFalse();
        assertProblem(api.track("/v1/track", writeKey, EVENT), 401, "invalid_write_key");

        assertThat(api.patch("/v1/sources/" + id, writer, "{\"enabled\": true}").statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/track", writeKey, EVENT).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldKeepTheOldWriteKeyValidForTheDefaultGracePeriodAfterARotation() { // issue 10
        JsonNode created = createSource(api, writer, "Rotate");
        String id = created.path("id").asString();
        String oldKey = created.path("writeKey").asString();
        assertThat(api.track("/v1/track", oldKey, EVENT).statusCode()).isEqualTo(200);
        Instant before = Instant.now();

        JsonNode rotated = body(api.post("/v1/sources/" + id + "/write-key", writer, null), 200);

        String newKey = rotated.path("writeKey").asString();
        assertThat(newKey).matches("wk_[A-Za-z0-9_-]{43}").isNotEqualTo(oldKey);
        assertThat(rotated.path("id").asString()).isEqualTo(id);
        assertThat(rotated.path("writeKeyHint").asString()).isEqualTo(newKey.substring(0, 6) + "…");
        Instant expiresAt = Instant.parse(rotated.path("previousWriteKeyExpiresAt").asString());
        assertThat(expiresAt).isBetween(before.plus(Duration.ofHours(24)).minusSeconds(1),
                Instant.now().plus(Duration.ofHours(24)).plusSeconds(1));
        JsonNode shown = json(api.get("/v1/sources/" + id, reader));
        assertThat(shown.path("writeKeyHint").asString()).isEqualTo(newKey.substring(0, 6) + "…");
        assertThat(Instant.parse(shown.path("previousWriteKeyExpiresAt").asString())).isEqualTo(expiresAt);
        // a live app still sending with the old key loses nothing
        assertThat(api.track("/v1/track", oldKey, EVENT).statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/track", newKey, EVENT).statusCode()).isEqualTo(200);

        // a second rotation ends the first key's grace: only the key just replaced is kept
        String newest = body(api.post("/v1/sources/" + id + "/write-key", writer, "{\"gracePeriod\": \"PT1H\"}"), 200)
                .path("writeKey").asString();
        assertProblem(api.track("/v1/track", oldKey, EVENT), 401, "invalid_write_key");
        assertThat(api.track("/v1/track", newKey, EVENT).statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/track", newest, EVENT).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseTheOldWriteKeyOnceAShortGracePeriodEnds() { // issue 10
        JsonNode created = createSource(api, writer, "Short grace");
        String id = created.path("id").asString();
        String oldKey = created.path("writeKey").asString();
        assertThat(api.track("/v1/track", oldKey, EVENT).statusCode()).isEqualTo(200); // cached from here on

        JsonNode rotated = body(api.post("/v1/sources/" + id + "/write-key", writer, "{\"gracePeriod\": \"PT3S\"}"),
                200);
        Instant expiresAt = Instant.parse(rotated.path("previousWriteKeyExpiresAt").asString());

        HttpResponse<String> during = api.track("/v1/track", oldKey, EVENT);
        if (Instant.now().isBefore(expiresAt)) { // a very slow machine may already be past the 3 s
            assertThat(during.statusCode()).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.track("/v1/track", oldKey, EVENT).statusCode() == 401);
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
        assertProblem(api.track("/v1/track", oldKey, EVENT), 401, "invalid_write_key");
        assertThat(api.track("/v1/track", rotated.path("writeKey").asString(), EVENT).statusCode()).isEqualTo(200);
        assertThat(previousKeyExpiry(json(api.get("/v1/sources/" + id, reader)))).isNull();
    }

    @Test
    void shouldRevokeTheOldWriteKeyAtOnceWhenAsked() { // issue 10
        for (String request : new String[] {"{\"revokeOldKeyNow\": true}", "{\"gracePeriod\": \"PT0S\"}"}) {
            JsonNode created = createSource(api, writer, "Leaked");
            String id = created.path("id").asString();
            String oldKey = created.path("writeKey").asString();
            assertThat(api.track("/v1/track", oldKey, EVENT).statusCode()).isEqualTo(200);

            JsonNode rotated = body(api.post("/v1/sources/" + id + "/write-key", writer, request), 200);

            assertThat(previousKeyExpiry(rotated)).as(request).isNull();
            assertProblem(api.track("/v1/track", oldKey, EVENT), 401, "invalid_write_key");
            assertThat(api.track("/v1/track", rotated.path("writeKey").asString(), EVENT).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseAnInvalidRotationRequestAndKeepTheKey() {
        JsonNode created = createSource(api, writer, "Bad rotation");
        String path = "/v1/sources/" + created.path("id").asString() + "/write-key";

        ApiClient.assertInvalidField(api.post(path, writer, "{\"gracePeriod\": \"-PT1S\"}"), "/gracePeriod");
        ApiClient.assertInvalidField(api.post(path, writer, "{\"gracePeriod\": \"P31D\"}"), "/gracePeriod");
        ApiClient.assertInvalidField(api.post(path, writer, "{\"gracePeriod\": \"PT1H\", \"revokeOldKeyNow\": true}"),
                "/revokeOldKeyNow");
        assertProblem(api.post(path, writer, "{\"gracePeriod\": \"tomorrow\"}"), 400, "malformed_body");
        assertProblem(api.post(path, reader, null), 403, "missing_scope");
        assertProblem(api.post("/v1/sources/" + created.path("id").asString() + "/write-key",
                infrastructure.token("ws_other", "sources:write"), null), 404, "source_not_found");
        assertThat(api.track("/v1/track", created.path("writeKey").asString(), EVENT).statusCode()).isEqualTo(200);
        assertThat(previousKeyExpiry(json(api.get(path.replace("/write-key", ""), reader)))).isNull();
    }

    @Test
    void shouldDescribeTheManagementApiInOpenApi() {
        String apiDocs = api.get("/v3/api-docs", null).body();

        assertThat(apiDocs).contains("/v1/sources/{id}", "/v1/sources/{id}/tracking-plan",
                "/v1/sources/{id}/violations", "rateLimit");
    }

    /** When the key replaced by the last rotation stops working, or null (a null member or none). */
    private static String previousKeyExpiry(JsonNode source) {
        JsonNode value = source.path("previousWriteKeyExpiresAt");
        return value.isString() ? value.asString() : null;
    }
}
