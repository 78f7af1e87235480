package org.opencdp.consent.subjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.consent.TestMessages.resolvedEvent;
import static org.opencdp.testsupport.ApiClient.assertInvalidField;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.kit.identifiers.IdentifierRulesView;
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

/**
 * Issue 14: consent keeps the identifiers identity resolved an event with, and reads every
 * identifier a caller writes under the caller's workspace's rules, so a lookup here finds the person
 * identity would: in a workspace whose phone region is GB, by a national phone number.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class WorkspaceIdentifierRulesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String NATIONAL = "020 7946 0958";
    private static final String E164 = "+442079460958";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String british = Workspaces.fresh();
    private final String plain = Workspaces.fresh();
    private ApiClient client;
    private TopicWriter topics;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    IdentifierRulesView rules;

    @BeforeEach
    void setUp() {
        client = ApiClient.onPort(port);
        topics = infrastructure.writer();
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void shouldFindThePersonByANationalPhoneNumberInAWorkspaceWhosePhoneRegionIsGb() {
        topics.send(new IdentifierRulesChanged(UUID.randomUUID(), british, Instant.now(), 1, "GB",
                List.of("test-user"), List.of()));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rules.version(british)).isEqualTo(1));
        // as identity publishes it: the event wrote the number nationally; identity read it in GB and
        // added the workspace's custom identifier
        topics.send(asIdentityResolved(resolvedEvent(british, "p_gb", "u_gb", null, T1, Map.of("marketing", true)),
                NATIONAL, List.of(new Identifier("crm_id", "C-77"), new Identifier("phone", E164),
                        new Identifier("user_id", "u_gb"))));
        await().atMost(TIMEOUT).until(() -> identifiers(british).size() == 3);

        assertThat(identifiers(british)).containsExactly("crm_id:C-77", "phone:" + E164, "user_id:u_gb");
        String consentWriter = infrastructure.token(british, Scopes.CONSENT_WRITE + " " + Scopes.CONSENT_READ);
        JsonNode put = body(client.put("/v1/consent", consentWriter, """
                {"identifier": {"type": "phone", "value": "%s"}, "purposes": {"email": "granted"}}""".formatted(NATIONAL)),
                200);
        assertThat(put.path("profileId").asString()).isEqualTo("p_gb");
        assertThat(put.path("purposes").path("email").path("granted").asBoolean()).isTrue();
        JsonNode byCustom = body(client.put("/v1/consent", consentWriter, """
                {"identifier": {"type": "crm_id", "value": " C-77 "}, "purposes": {"sms": "denied"}}"""), 200);
        assertThat(byCustom.path("profileId").asString()).isEqualTo("p_gb");

        JsonNode audit = body(client.get("/v1/audit?subject=" + encode("phone:" + NATIONAL), consentWriter), 200);
        assertThat(audit.path("profileIds").valueStream().map(JsonNode::asString)).containsExactly("p_gb");
        assertThat(audit.path("entries").valueStream().map(entry -> entry.path("details").path("purpose").asString()))
                .containsExactly("sms", "email", "marketing");

        String privacy = infrastructure.token(british, Scopes.PRIVACY_WRITE);
        JsonNode request = body(client.post("/v1/privacy/requests", privacy, """
                {"type": "ACCESS", "identifier": {"type": "phone", "value": "%s"}}""".formatted(NATIONAL)), 202);
        assertThat(request.path("identifier").path("value").asString()).isEqualTo(E164);
        assertThat(request.path("profileIds").valueStream().map(JsonNode::asString)).containsExactly("p_gb");
        // the same person asked for by the number in international form is the same open request
        JsonNode again = body(client.post("/v1/privacy/requests", privacy, """
                {"type": "ACCESS", "identifier": {"type": "phone", "value": "+44 20 7946 0958"}}"""), 202);
        assertThat(again.path("id").asString()).isEqualTo(request.path("id").asString());

        // a value the workspace blocks is no identifier there
        assertInvalidField(client.post("/v1/privacy/requests", privacy, """
                {"type": "ERASE", "identifier": {"type": "user_id", "value": " Test-User "}}"""), "/identifier/value");
        assertInvalidField(client.get("/v1/audit?subject=" + encode("user_id:test-user"), consentWriter), "/subject");
    }

    @Test
    void shouldReadANationalPhoneNumberAsNoIdentifierInAWorkspaceWithoutAPhoneRegion() {
        topics.send(asIdentityResolved(resolvedEvent(plain, "p_plain", "u_plain", null, T1, null), "+44 20 7946 0958",
                List.of(new Identifier("phone", E164), new Identifier("user_id", "u_plain"))));
        await().atMost(TIMEOUT).until(() -> identifiers(plain).size() == 2);
        String consentWriter = infrastructure.token(plain, Scopes.CONSENT_WRITE + " " + Scopes.CONSENT_READ);

        assertProblem(client.put("/v1/consent", consentWriter, """
                {"identifier": {"type": "phone", "value": "%s"}, "purposes": {"email": "granted"}}""".formatted(NATIONAL)),
                404, "subject_not_found");
        assertInvalidField(client.post("/v1/privacy/requests", infrastructure.token(plain, Scopes.PRIVACY_WRITE), """
                {"type": "ERASE", "identifier": {"type": "phone", "value": "%s"}}""".formatted(NATIONAL)),
                "/identifier/value");
        assertInvalidField(client.get("/v1/audit?subject=" + encode("phone:" + NATIONAL), consentWriter), "/subject");
        JsonNode international = body(client.put("/v1/consent", consentWriter, """
                {"identifier": {"type": "phone", "value": "+44 20 7946 0958"}, "purposes": {"email": "granted"}}"""),
                200);
        assertThat(international.path("profileId").asString()).isEqualTo("p_plain");
    }

    /** {@code resolved} with the phone the event wrote in {@code context.traits} and identity's identifiers. */
    private static EventResolved asIdentityResolved(EventResolved resolved, String writtenPhone,
                                                    List<Identifier> identifiers) {
        resolved.event().context().putObject("traits").put("phone", writtenPhone);
        return new EventResolved(resolved.id(), resolved.workspaceId(), resolved.profileId(), resolved.sourceId(),
                resolved.occurredAt(), resolved.receivedAt(), resolved.event(), identifiers);
    }

    private List<String> identifiers(String workspaceId) {
        return jdbc.queryForList("""
                        SELECT type || ':' || value FROM subject_identifiers WHERE workspace_id = ? ORDER BY type, value""",
                String.class, workspaceId);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
