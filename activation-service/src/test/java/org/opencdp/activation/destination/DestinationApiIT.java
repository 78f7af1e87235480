package org.opencdp.activation.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertInvalidField;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.json;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.network.TestHosts;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@Import(TestHosts.Config.class)
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DestinationApiIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DestinationService destinations;

    private ApiClient api;
    private String workspace;
    private String writer;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        workspace = Workspaces.fresh();
        writer = infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE);
    }

    @Test
    void shouldCreateReadListReplaceAndDeleteADestinationWithoutEverReturningItsSecret() {
        HttpResponse<String> created = api.post("/v1/destinations", writer, webhook("CRM hook",
                "https://example.com/hook", "\"s3cr3t-value\"", "[\"marketing\", \"marketing\"]"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json(created);
        String id = body.path("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/destinations/" + id);
        assertThat(body.path("name").asString()).isEqualTo("CRM hook");
        assertThat(body.path("type").asString()).isEqualTo("webhook");
        assertThat(body.path("config").toString()).isEqualTo("{\"url\":\"https://example.com/hook\"}");
        assertThat(body.path("secretSet").asBoolean()).isTrue();
        assertThat(body.path("requiredPurposes").toString()).isEqualTo("[\"marketing\"]");
        assertThat(body.path("subscriptions").path("events").toString()).isEqualTo("[\"Order Completed\"]");
        assertThat(body.path("subscriptions").path("segments").toString()).isEqualTo("[\"seg-1\"]");
        assertThat(body.path("enabled").asBoolean()).isTrue();
        assertThat(body.path("createdAt").asString()).isNotBlank();
        assertThat(created.body()).doesNotContain("s3cr3t-value");

        // at rest: no secret in the config column, and the ciphertext does not contain it either
        assertThat(jdbc.queryForObject("SELECT config::text FROM destinations WHERE workspace_id = ? AND id = ?::uuid",
                String.class, workspace, id)).doesNotContain("s3cr3t").doesNotContain("secret");
        byte[] ciphertext = jdbc.queryForObject(
                "SELECT secret_ciphertext FROM destinations WHERE workspace_id = ? AND id = ?::uuid",
                byte[].class, workspace, id);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
        assertThat(storedSecret(id)).isEqualTo("s3cr3t-value");

        HttpResponse<String> read = api.get("/v1/destinations/" + id, infrastructure.token(workspace, Scopes.DESTINATIONS_READ));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).path("id").asString()).isEqualTo(id);
        assertThat(read.body()).doesNotContain("s3cr3t");
        HttpResponse<String> list = api.get("/v1/destinations", writer);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).path("items")).hasSize(1);
        assertThat(list.body()).doesNotContain("s3cr3t");

        // replacing without the secret keeps the stored one
        HttpResponse<String> replaced = api.put("/v1/destinations/" + id, writer, """
                {"name": "Renamed", "type": "webhook", "config": {"url": "https://example.com/other"},
                 "requiredPurposes": ["analytics"], "subscriptions": {"events": ["*"]}, "enabled": false}""");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        JsonNode after = json(replaced);
        assertThat(after.path("name").asString()).isEqualTo("Renamed");
        assertThat(after.path("config").path("url").asString()).isEqualTo("https://example.com/other");
        assertThat(after.path("secretSet").asBoolean()).isTrue();
        assertThat(after.path("requiredPurposes").toString()).isEqualTo("[\"analytics\"]");
        assertThat(after.path("subscriptions").path("segments")).isEmpty();
        assertThat(after.path("enabled").asBoolean()).isFalse();
        assertThat(after.path("createdAt").asString()).isEqualTo(body.path("createdAt").asString());
        assertThat(storedSecret(id)).isEqualTo("s3cr3t-value");

        // replacing with a secret changes it
        assertThat(api.put("/v1/destinations/" + id, writer, webhook("Renamed", "https://example.com/other",
                "\"rotated\"", "[\"analytics\"]")).statusCode()).isEqualTo(200);
        assertThat(storedSecret(id)).isEqualTo("rotated");

        assertThat(api.delete("/v1/destinations/" + id, writer).statusCode()).isEqualTo(204);
        assertProblem(api.get("/v1/destinations/" + id, writer), 404, "destination_not_found");
        assertProblem(api.delete("/v1/destinations/" + id, writer), 404, "destination_not_found");
        assertThat(json(api.get("/v1/destinations", writer)).path("items")).isEmpty();
    }

    @Test
    void shouldRefuseInvalidDestinationsWithProblemsAndStoreNothing() {
        assertProblem(api.post("/v1/destinations", null, webhook("x", "https://example.com", "\"s\"", "[\"m\"]")),
                401, "missing_token");
        assertProblem(api.post("/v1/destinations", infrastructure.token(workspace, Scopes.DESTINATIONS_READ),
                webhook("x", "https://example.com", "\"s\"", "[\"m\"]")), 403, "missing_scope");
        assertProblem(api.get("/v1/destinations", infrastructure.token(workspace, Scopes.PROFILES_READ)), 403, "missing_scope");

        JsonNode unsupported = assertProblem(api.post("/v1/destinations", writer, """
                {"name": "Braze", "type": "braze", "config": {}, "requiredPurposes": ["ads"]}"""),
                400, "unsupported_destination_type");
        assertThat(unsupported.path("supportedTypes").toString())
                .isEqualTo("[\"google_ads_customer_match\",\"hubspot\",\"meta_custom_audiences\",\"webhook\"]");

        assertProblem(api.post("/v1/destinations", writer, webhook("x", "https://example.com", "\"s\"", "[]")),
                400, "purposes_required");
        assertProblem(api.post("/v1/destinations", writer, """
                {"name": "x", "type": "webhook", "config": {"url": "https://example.com", "secret": "s"}}"""),
                400, "purposes_required");

        JsonNode badUrl = assertProblem(api.post("/v1/destinations", writer,
                webhook("x", "ftp://example.com/hook", "\"s\"", "[\"m\"]")), 400, "invalid_destination_config");
        assertThat(badUrl.path("errors").get(0).path("pointer").asString()).isEqualTo("/config/url");
        assertProblem(api.post("/v1/destinations", writer, webhook("x", "/relative", "\"s\"", "[\"m\"]")),
                400, "invalid_destination_config");
        JsonNode noSecret = assertProblem(api.post("/v1/destinations", writer, """
                {"name": "x", "type": "webhook", "config": {"url": "https://example.com"}, "requiredPurposes": ["m"]}"""),
                400, "invalid_destination_config");
        assertThat(noSecret.path("errors").get(0).path("pointer").asString()).isEqualTo("/config/secret");

        assertInvalidField(api.post("/v1/destinations", writer,
                webhook(" ", "https://example.com", "\"s\"", "[\"m\"]")), "/name");
        assertInvalidField(api.post("/v1/destinations", writer, """
                {"name": "x", "type": "webhook", "config": {"url": "https://example.com", "secret": "s"},
                 "requiredPurposes": ["m"], "subscriptions": {"events": [""]}}"""), "/subscriptions/events/0");
        assertProblem(api.post("/v1/destinations", writer, """
                {"name": "x", "type": "webhook", "config": "https://example.com", "requiredPurposes": ["m"]}"""),
                400, "malformed_body");
        assertProblem(api.post("/v1/destinations", writer, "{\"name\":"), 400, "malformed_body");

        assertProblem(api.get("/v1/destinations/" + UUID.randomUUID(), writer), 404, "destination_not_found");
        assertProblem(api.get("/v1/destinations/not-a-uuid", writer), 404, "destination_not_found");
        assertProblem(api.put("/v1/destinations/" + UUID.randomUUID(), writer,
                webhook("x", "https://example.com", "\"s\"", "[\"m\"]")), 404, "destination_not_found");

        assertThat(json(api.get("/v1/destinations", writer)).path("items")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM destinations WHERE workspace_id = ?", Long.class, workspace))
                .isZero();
    }

    @Test
    void shouldAnswerNotFoundForAnotherWorkspacesDestination() {
        String id = json(api.post("/v1/destinations", writer,
                webhook("Mine", "https://example.com/hook", "\"s\"", "[\"m\"]"))).path("id").asString();
        String intruder = infrastructure.token(Workspaces.fresh(),
                Scopes.DESTINATIONS_WRITE + " " + Scopes.DESTINATIONS_READ);

        assertProblem(api.get("/v1/destinations/" + id, intruder), 404, "destination_not_found");
        assertProblem(api.put("/v1/destinations/" + id, intruder,
                webhook("Stolen", "https://evil.example/hook", "\"s\"", "[\"m\"]")), 404, "destination_not_found");
        assertProblem(api.delete("/v1/destinations/" + id, intruder), 404, "destination_not_found");
        assertProblem(api.get("/v1/destinations/" + id + "/deliveries", intruder), 404, "destination_not_found");
        assertProblem(api.get("/v1/destinations/" + id + "/dead-letters", intruder), 404, "destination_not_found");
        assertProblem(api.post("/v1/destinations/" + id + "/dead-letters/replay", intruder, null),
                404, "destination_not_found");
        assertThat(json(api.get("/v1/destinations", intruder)).path("items")).isEmpty();

        JsonNode mine = json(api.get("/v1/destinations/" + id, writer));
        assertThat(mine.path("name").asString()).isEqualTo("Mine");
        assertThat(mine.path("config").path("url").asString()).isEqualTo("https://example.com/hook");
    }

    @Test
    void shouldServeTheDeliveryLogToReadersAndRefuseBadParameters() {
        String id = json(api.post("/v1/destinations", writer,
                webhook("Log", "https://example.com/hook", "\"s\"", "[\"m\"]"))).path("id").asString();
        String reader = infrastructure.token(workspace, Scopes.DESTINATIONS_READ);

        HttpResponse<String> log = api.get("/v1/destinations/" + id + "/deliveries?status=pending&limit=10", reader);
        assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
        assertThat(json(log).path("items")).isEmpty();
        assertThat(json(log).get("nextCursor").isNull()).isTrue();
        assertThat(api.get("/v1/destinations/" + id + "/dead-letters", reader).statusCode()).isEqualTo(200);

        assertProblem(api.post("/v1/destinations/" + id + "/dead-letters/replay", reader, null), 403, "missing_scope");
        assertProblem(api.get("/v1/destinations/" + id + "/deliveries?status=lost", reader), 400, "invalid_parameter");
        assertProblem(api.get("/v1/destinations/" + id + "/deliveries?limit=0", reader), 400, "invalid_parameter");
        assertProblem(api.get("/v1/destinations/" + id + "/deliveries?limit=many", reader), 400, "invalid_parameter");
        assertProblem(api.get("/v1/destinations/" + id + "/deliveries?cursor=garbage", reader), 400, "invalid_cursor");
        assertProblem(api.post("/v1/destinations/" + id + "/dead-letters/replay", writer, "{\"deliveryIds\": [\"x\"]}"),
                400, "malformed_body");
        assertThat(json(api.post("/v1/destinations/" + id + "/dead-letters/replay", writer, null))
                .path("replayed").asInt()).isZero();
    }

    private String storedSecret(String id) {
        Destination destination = destinations.require(workspace, id);
        return destinations.targets(List.of(destination)).ready().get(DestinationRef.of(destination)).secrets()
                .path("secret").asString();
    }

    private static String webhook(String name, String url, String secretJson, String purposesJson) {
        return """
                {"name": "%s", "type": "webhook", "config": {"url": "%s", "secret": %s},
                 "requiredPurposes": %s,
                 "subscriptions": {"events": ["Order Completed"], "segments": ["seg-1"]}}"""
                .formatted(name, url, secretJson, purposesJson);
    }
}
