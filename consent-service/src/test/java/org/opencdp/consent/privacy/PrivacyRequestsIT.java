package org.opencdp.consent.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.consent.TestMessages.merge;
import static org.opencdp.consent.TestMessages.resolvedEvent;
import static org.opencdp.testsupport.ApiClient.assertInvalidField;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.PrivacyCommandIssued.Command;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Issue 12: privacy requests — the API, the commands, consent's own part, the services' acknowledgements. */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class PrivacyRequestsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String consent = infrastructure.token(workspace, Scopes.CONSENT_WRITE);
    private final String privacy = infrastructure.token(workspace, Scopes.PRIVACY_WRITE);
    private ApiClient client;
    private TopicWriter topics;
    private OtherServices others;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void setUp() {
        client = ApiClient.onPort(port);
        topics = infrastructure.writer();
        others = new OtherServices(infrastructure, topics);
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void shouldEraseThePersonsConsentOnEveryProfileAndCompleteOnlyWhenAllSixAcknowledged() {
        topics.send(resolvedEvent(workspace, "p_anon", null, "a_erase", T1, Map.of("ads", false)));
        topics.send(resolvedEvent(workspace, "p_user", "u_erase", null, T1, null));
        putConsent("p_user", "marketing", "granted");
        await().atMost(TIMEOUT).until(() -> count("SELECT count(*) FROM subject_identifiers WHERE workspace_id = ?") == 2);
        topics.send(merge(workspace, "p_user", "p_anon"));
        await().atMost(TIMEOUT).until(() -> count("SELECT count(*) FROM profile_redirects WHERE workspace_id = ?") == 1);
        body(client.post("/v1/consent/decisions", consent, "{\"purposes\": [\"marketing\"], \"profileIds\": [\"p_anon\"]}"),
                200);

        var response = client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE\", \"identifier\": {\"type\": \"user_id\", \"value\": \" u_erase \"}}");

        JsonNode accepted = body(response, 202);
        String id = accepted.path("id").asString();
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/privacy/requests/" + id);
        assertThat(accepted.path("type").asString()).isEqualTo("ERASE");
        assertThat(accepted.path("identifier").path("value").asString()).isEqualTo("u_erase");
        assertThat(accepted.path("profileIds").valueStream().map(JsonNode::asString)).containsExactly("p_user", "p_anon");
        assertThat(accepted.path("services").propertyNames()).containsExactlyInAnyOrder("ingestion", "identity",
                "profile", "segmentation", "activation", "consent");
        PrivacyCommandIssued command = others.commands(workspace, id, 1).getFirst();
        assertThat(command.command()).isEqualTo(Command.ERASE);
        assertThat(command.suppress()).isFalse();
        assertThat(command.profileIds()).containsExactly("p_user", "p_anon");
        assertThat(command.identifiers()).containsExactlyInAnyOrder(new Identifier("user_id", "u_erase"),
                new Identifier("anonymous_id", "a_erase"));

        JsonNode consentDone = awaitRequest(id, request -> "completed".equals(service(request, "consent")));
        assertThat(consentDone.path("status").asString()).isEqualTo("in_progress");
        assertThat(service(consentDone, "profile")).isEqualTo("pending");
        assertProblem(client.get("/v1/profiles/p_user/consent", consent), 404, "profile_not_found");
        assertProblem(client.get("/v1/profiles/p_anon/consent", consent), 404, "profile_not_found");
        for (String table : List.of("consent_records", "consent_state", "consent_decisions", "subject_identifiers",
                "known_profiles", "profile_redirects")) {
            assertThat(count("SELECT count(*) FROM " + table + " WHERE workspace_id = ?")).as(table).isZero();
        }
        JsonNode decision = body(client.post("/v1/consent/decisions", consent,
                "{\"purposes\": [\"marketing\"], \"profileIds\": [\"p_user\"]}"), 200).path("decisions").get(0);
        assertThat(decision.path("decision").asString()).isEqualTo("deny");

        others.allDone(workspace, id);

        JsonNode completed = awaitRequest(id, request -> "completed".equals(request.path("status").asString()));
        assertThat(completed.path("completedAt").isString()).isTrue();
        assertThat(completed.path("services").valueStream().map(part -> part.path("status").asString()))
                .containsOnly("completed");
        assertThat(completed.path("services").path("profile").path("detail").asString()).isEqualTo("profile says DONE");
        assertThat(completed.path("export").isNull()).isTrue();
        JsonNode audit = body(client.get("/v1/audit?subject=p_user", consent), 200);
        assertThat(audit.path("entries").valueStream().map(entry -> entry.path("action").asString()).distinct())
                .containsExactlyInAnyOrder("privacy_finished", "privacy_acknowledged", "consent_erased",
                        "privacy_requested");
        assertThat(body(client.get("/v1/audit?subject=user_id:u_erase", consent), 200).path("entries").valueStream()
                .map(entry -> entry.path("action").asString()).distinct())
                .containsExactlyInAnyOrder("privacy_finished", "privacy_acknowledged", "privacy_requested");
    }

    @Test
    void shouldGatherWhatEveryServiceExportsForAnAccessRequest() {
        putConsent("p_access", "marketing", "granted");
        body(client.post("/v1/consent/decisions", consent,
                "{\"purposes\": [\"marketing\"], \"profileIds\": [\"p_access\"]}"), 200);

        String id = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"profileId\": \"p_access\"}"), 202).path("id").asString();

        PrivacyCommandIssued command = others.commands(workspace, id, 1).getFirst();
        assertThat(command.command()).isEqualTo(Command.EXPORT);
        assertThat(command.suppress()).isFalse();
        JsonNode partial = awaitRequest(id, request -> "completed".equals(service(request, "consent")));
        JsonNode mine = partial.path("export").path("services").path("consent");
        assertThat(partial.path("export").path("complete").asBoolean(true)).isFalse();
        assertThat(mine.path("consent").path("p_access").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(mine.path("history")).hasSize(1);
        assertThat(mine.path("decisions")).hasSize(1);
        assertThat(mine.path("decisions").get(0).path("decision").asString()).isEqualTo("allow");

        JsonNode traits = MessageCodec.mapper().readTree("{\"traits\": [{\"key\": \"plan\", \"value\": \"pro\"}]}");
        others.send(others.ack(workspace, id, "profile", Outcome.DONE, traits));
        OtherServices.NAMES.stream().filter(name -> !name.equals("profile"))
                .forEach(name -> others.send(others.ack(workspace, id, name, Outcome.DONE,
                        MessageCodec.mapper().createObjectNode())));

        JsonNode completed = awaitRequest(id, request -> "completed".equals(request.path("status").asString()));
        assertThat(completed.path("export").path("complete").asBoolean()).isTrue();
        assertThat(completed.path("export").path("services").propertyNames()).containsExactlyInAnyOrder("activation",
                "consent", "identity", "ingestion", "profile", "segmentation");
        assertThat(completed.path("export").path("services").path("profile")).isEqualTo(traits);
        // an access request changes nothing
        assertThat(body(client.get("/v1/profiles/p_access/consent", consent), 200).path("history")).hasSize(1);
    }

    @Test
    void shouldSuppressWithoutErasingAndEraseWhenAlsoAskedTo() {
        putConsent("p_sup", "marketing", "granted");

        String suppress = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"SUPPRESS\", \"profileId\": \"p_sup\"}"), 202).path("id").asString();

        PrivacyCommandIssued command = others.commands(workspace, suppress, 1).getFirst();
        assertThat(command.command()).isEqualTo(Command.EXPORT);
        assertThat(command.suppress()).isTrue();
        JsonNode kept = awaitRequest(suppress, request -> "completed".equals(service(request, "consent")));
        assertThat(kept.path("export").isNull()).isTrue();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM privacy_request_services WHERE workspace_id = ? AND export IS NOT NULL""",
                Long.class, workspace)).isZero();
        body(client.get("/v1/profiles/p_sup/consent", consent), 200);

        String both = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE_AND_SUPPRESS\", \"profileId\": \"p_sup\"}"), 202).path("id").asString();

        PrivacyCommandIssued eraseCommand = others.commands(workspace, both, 1).getFirst();
        assertThat(eraseCommand.command()).isEqualTo(Command.ERASE);
        assertThat(eraseCommand.suppress()).isTrue();
        awaitRequest(both, request -> "completed".equals(service(request, "consent")));
        assertProblem(client.get("/v1/profiles/p_sup/consent", consent), 404, "profile_not_found");
    }

    @Test
    void shouldAcceptARequestForAnIdentifierNoEventCarriedSoItCanBeSuppressed() {
        JsonNode accepted = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE_AND_SUPPRESS\", \"identifier\": {\"type\": \"email\", \"value\": \"Nobody@Example.com\"}}"),
                202);

        PrivacyCommandIssued command = others.commands(workspace, accepted.path("id").asString(), 1).getFirst();
        assertThat(accepted.path("profileIds")).isEmpty();
        assertThat(command.profileIds()).isEmpty();
        assertThat(command.identifiers()).containsExactly(new Identifier("email", "nobody@example.com"));
        awaitRequest(accepted.path("id").asString(), request -> "completed".equals(service(request, "consent")));
    }

    @Test
    void shouldAnswerTheOpenRequestWhenTheSameOneIsMadeAgainAndIgnoreRedeliveredAcknowledgements() {
        putConsent("p_idem", "marketing", "granted");
        topics.send(resolvedEvent(workspace, "p_idem", "u_idem", null, T1, null));
        await().atMost(TIMEOUT).until(() -> count("SELECT count(*) FROM subject_identifiers WHERE workspace_id = ?") == 1);

        String first = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"profileId\": \"p_idem\"}"), 202).path("id").asString();
        String again = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"profileId\": \"p_idem\"}"), 202).path("id").asString();
        String byIdentifier = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"identifier\": {\"type\": \"user_id\", \"value\": \"u_idem\"}}"), 202)
                .path("id").asString();
        String byIdentifierAgain = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"identifier\": {\"type\": \"user_id\", \"value\": \" u_idem\"}}"), 202)
                .path("id").asString();

        assertThat(again).isEqualTo(first);
        assertThat(byIdentifierAgain).isEqualTo(byIdentifier).isNotEqualTo(first);
        assertThat(others.allCommands(workspace, first)).hasSize(1);
        assertThat(count("SELECT count(*) FROM privacy_requests WHERE workspace_id = ?")).isEqualTo(2);

        PrivacyCommandAcknowledged failed = others.ack(workspace, first, "identity", Outcome.FAILED, null);
        others.send(failed);
        awaitRequest(first, request -> "failed".equals(service(request, "identity")));
        others.allDone(workspace, first);
        JsonNode completed = awaitRequest(first, request -> "completed".equals(request.path("status").asString()));
        // the failed acknowledgement delivered again, and re-published under a new id: already applied, or older
        others.send(failed);
        topics.send(new PrivacyCommandAcknowledged(java.util.UUID.randomUUID(), workspace, failed.occurredAt(),
                failed.requestId(), failed.service(), failed.outcome(), failed.detail(), null));
        String next = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"profileId\": \"p_idem\"}"), 202).path("id").asString();
        awaitRequest(next, request -> "completed".equals(service(request, "consent")));

        assertThat(next).isNotEqualTo(first);
        assertThat(body(client.get("/v1/privacy/requests/" + first, privacy), 200).path("status").asString())
                .isEqualTo(completed.path("status").asString());
    }

    @Test
    void shouldFailWhenAServiceFailsAndCompleteWhenItSucceedsOnRetry() {
        putConsent("p_fail", "marketing", "granted");
        double created = requestsCounted("created");
        double failedBefore = requestsCounted("failed");
        double completed = requestsCounted("completed");
        String id = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE\", \"profileId\": \"p_fail\"}"), 202).path("id").asString();
        assertThat(requestsCounted("created") - created).isEqualTo(1.0);
        awaitRequest(id, request -> "completed".equals(service(request, "consent")));

        others.send(others.ack(workspace, id, "activation", Outcome.FAILED, null));
        OtherServices.NAMES.stream().filter(name -> !name.equals("activation"))
                .forEach(name -> others.send(others.ack(workspace, id, name, Outcome.DONE, null)));

        JsonNode failed = awaitRequest(id, request -> "failed".equals(request.path("status").asString()));
        assertThat(failed.path("services").path("activation").path("detail").asString())
                .isEqualTo("activation says FAILED");
        assertThat(failed.path("completedAt").isString()).isTrue();
        // issue 17: counted once the acknowledgement's transaction committed, just after the status can be read
        await().atMost(TIMEOUT).until(() -> requestsCounted("failed") - failedBefore == 1.0);
        assertThat(requestsCounted("completed") - completed).isZero();

        others.send(others.ack(workspace, id, "activation", Outcome.DONE, null));

        awaitRequest(id, request -> "completed".equals(request.path("status").asString()));
        await().atMost(TIMEOUT).until(() -> requestsCounted("completed") - completed == 1.0);
        assertThat(requestsCounted("created") - created).isEqualTo(1.0);
        assertThat(requestsCounted("failed") - failedBefore).isEqualTo(1.0);
    }

    /** {@code cdp_consent_privacy_requests_total} for ERASE requests with {@code status}. */
    private double requestsCounted(String status) {
        return meters.get("cdp.consent.privacy.requests").tag("type", "ERASE").tag("status", status).counter().count();
    }

    @Test
    void shouldRefuseInvalidRequestsWithClearProblems() {
        putConsent("p_valid", "marketing", "granted");

        assertInvalidField(client.post("/v1/privacy/requests", privacy, "{\"profileId\": \"p_valid\"}"), "/type");
        assertInvalidField(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"DELETE\", \"profileId\": \"p_valid\"}"), "/type");
        assertInvalidField(client.post("/v1/privacy/requests", privacy, "{\"type\": \"ERASE\"}"), "/profileId");
        assertInvalidField(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE\", \"profileId\": \"p_valid\", \"identifier\": {\"type\": \"user_id\", \"value\": \"u\"}}"),
                "/identifier");
        assertInvalidField(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE\", \"identifier\": {\"type\": \"phone\", \"value\": \"12\"}}"), "/identifier/value");
        assertInvalidField(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE\", \"identifier\": {\"type\": \"email\", \"value\": \"\"}}"), "/identifier/value");
        assertProblem(client.post("/v1/privacy/requests", privacy, "{\"type\": "), 400, "malformed_body");
        assertProblem(client.post("/v1/privacy/requests", privacy, "{\"type\": \"ERASE\", \"profileId\": \"p_nobody\"}"),
                404, "profile_not_found");
        assertProblem(client.post("/v1/privacy/requests", consent, "{\"type\": \"ERASE\", \"profileId\": \"p_valid\"}"),
                403, "missing_scope");
        assertProblem(client.post("/v1/privacy/requests", null, "{\"type\": \"ERASE\", \"profileId\": \"p_valid\"}"),
                401, "missing_token");
        assertProblem(client.get("/v1/privacy/requests/" + java.util.UUID.randomUUID(), privacy), 404,
                "privacy_request_not_found");
        assertProblem(client.get("/v1/privacy/requests/not-a-uuid", privacy), 404, "privacy_request_not_found");
        assertThat(count("SELECT count(*) FROM privacy_requests WHERE workspace_id = ?")).isZero();
        String readOnly = infrastructure.token(workspace, Scopes.PRIVACY_READ);
        assertProblem(client.post("/v1/privacy/requests", readOnly, "{\"type\": \"ERASE\", \"profileId\": \"p_valid\"}"),
                403, "missing_scope");
        String id = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ACCESS\", \"profileId\": \"p_valid\"}"), 202).path("id").asString();
        assertThat(body(client.get("/v1/privacy/requests/" + id, readOnly), 200).path("type").asString())
                .isEqualTo("ACCESS");
        assertProblem(client.get("/v1/privacy/requests/" + id, consent), 403, "missing_scope");
    }

    @Test
    void shouldSealRequestsAndAcknowledgementsToTheirWorkspace() {
        putConsent("p_mine", "marketing", "granted");
        String id = body(client.post("/v1/privacy/requests", privacy,
                "{\"type\": \"ERASE\", \"profileId\": \"p_mine\"}"), 202).path("id").asString();
        String other = Workspaces.fresh();
        String theirs = infrastructure.token(other, Scopes.PRIVACY_WRITE);

        assertProblem(client.get("/v1/privacy/requests/" + id, theirs), 404, "privacy_request_not_found");
        assertProblem(client.post("/v1/privacy/requests", theirs, "{\"type\": \"ERASE\", \"profileId\": \"p_mine\"}"),
                404, "profile_not_found");
        others.send(others.ack(other, id, "profile", Outcome.DONE, null));
        others.send(others.ack(workspace, id, "identity", Outcome.DONE, null));

        JsonNode request = awaitRequest(id, r -> "completed".equals(service(r, "identity")));
        assertThat(service(request, "profile")).isEqualTo("pending");
    }

    private void putConsent(String profileId, String purpose, String value) {
        body(client.put("/v1/consent", consent, "{\"profileId\": \"" + profileId + "\", \"purposes\": {\"" + purpose
                + "\": \"" + value + "\"}, \"occurredAt\": \"2025-03-01T10:00:00Z\"}"), 200);
    }

    private JsonNode awaitRequest(String id, Predicate<JsonNode> condition) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(TIMEOUT).until(() -> {
            seen[0] = body(client.get("/v1/privacy/requests/" + id, privacy), 200);
            return condition.test(seen[0]);
        });
        return seen[0];
    }

    private static String service(JsonNode request, String service) {
        return request.path("services").path(service).path("status").asString();
    }

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class, workspace);
    }
}
