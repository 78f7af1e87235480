package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.activation.delivery.Peers.body;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12: activation carries out privacy commands. ERASE removes the person from the audiences
 * that may hold them (HubSpot's stub), then deletes their identifiers, memberships and delivery
 * payloads and acknowledges on {@code cdp.privacy.acks.v1}; EXPORT acknowledges with what activation
 * holds. Sealed to the command's workspace, idempotent per request.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class PrivacyCommandIT {

    private static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.apis.hubspot", wiremock::baseUrl);
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    IdentifierService identifiers;

    @Autowired
    JdbcTemplate jdbc;

    private DestinationsApi api;
    private AudienceSteps steps;
    private String property;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        String workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        steps = new AudienceSteps(peers, api, identifiers, workspace);
        property = "opencdp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        wiremock.stubFor(post(urlEqualTo(UPSERT)).withRequestBody(containing(property))
                .willReturn(okJson("{\"status\": \"COMPLETE\", \"results\": []}")));
    }

    private String hubSpot() {
        return api.createAudience("hubspot", """
                {"accessToken": "pat-1", "membershipProperty": "%s"}""".formatted(property), steps.segment);
    }

    private List<String> membershipValuesSent() {
        return wiremock.findAll(postRequestedFor(urlEqualTo(UPSERT)).withRequestBody(containing(property))).stream()
                .map(request -> body(request).path("inputs").get(0).path("properties").path(property).asString())
                .toList();
    }

    private static PrivacyCommandIssued command(String workspace, UUID requestId, PrivacyCommandIssued.Command command,
                                                String... profileIds) {
        return new PrivacyCommandIssued(UUID.randomUUID(), workspace, Instant.now(), requestId, command,
                List.of(profileIds), List.of(), false);
    }

    private static List<PrivacyCommandAcknowledged> acknowledgements(TopicReader acks, UUID requestId, int count) {
        List<ConsumerRecord<String, String>> found = acks.await(record -> record.value().contains(requestId.toString()),
                count, TIMEOUT);
        return found.stream().map(record -> MessageCodec.mapper().readValue(record.value(),
                PrivacyCommandAcknowledged.class)).filter(ack -> ack.requestId().equals(requestId)).toList();
    }

    private ProfileIdentifiers known(String workspace, String profile) {
        IdentifierService.ProfileKey key = new IdentifierService.ProfileKey(workspace, profile);
        return identifiers.of(List.of(key)).get(key);
    }

    @Test
    void shouldRemoveTheMemberThenEraseWhatActivationHoldsAndAcknowledge() {
        String destinationId = hubSpot();
        String profile = steps.knownProfile("erase.me@example.com", null);
        steps.awaitKnown(profile, 1);
        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");
        // the same profile id in another workspace is not the same person
        String otherWorkspace = Workspaces.fresh();
        new AudienceSteps(peers, api, identifiers, otherWorkspace).identify(profile, "other@example.com", null);
        new AudienceSteps(peers, api, identifiers, otherWorkspace).awaitKnown(profile, 1);

        UUID requestId = UUID.randomUUID();
        try (TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS)) {
            peers.upstream().send(command(steps.workspace, requestId, PrivacyCommandIssued.Command.ERASE, profile));
            PrivacyCommandAcknowledged ack = acknowledgements(acks, requestId, 1).getFirst();
            assertThat(ack.service()).isEqualTo("activation");
            assertThat(ack.outcome()).isEqualTo(PrivacyCommandAcknowledged.Outcome.DONE);
            assertThat(ack.detail()).contains("removed them from 1 audience destination(s)");

            assertThat(membershipValuesSent()).containsExactly("true", "false");
            assertThat(known(steps.workspace, profile).isEmpty()).isTrue();
            assertThat(known(otherWorkspace, profile).emails()).containsExactly("other@example.com");
            assertThat(jdbc.queryForList("""
                    SELECT payload::text FROM deliveries WHERE workspace_id = ? AND profile_id = ?
                      AND payload ->> 'privacyRequestId' IS NULL""", String.class, steps.workspace, profile))
                    .isNotEmpty().allMatch("{}"::equals);
            assertThat(jdbc.queryForList("SELECT member FROM audience_desired WHERE workspace_id = ? AND profile_id = ?",
                    Boolean.class, steps.workspace, profile)).containsOnly(false);

            // a late entry never adds the erased person again
            steps.enters(profile);
            steps.awaitDeliveries(destinationId, profile, 1,
                    d -> d.path("lastError").asString().startsWith("nothing to send"));
            assertThat(membershipValuesSent()).containsExactly("true", "false");

            // the same request again: acknowledged again, nothing more sent
            peers.upstream().send(command(steps.workspace, requestId, PrivacyCommandIssued.Command.ERASE, profile));
            assertThat(acknowledgements(acks, requestId, 2)).hasSize(2);
            assertThat(membershipValuesSent()).containsExactly("true", "false");
        }
    }

    @Test
    void shouldEraseAtOnceWhenNoAudienceMayHoldThePerson() {
        String profile = steps.knownProfile("nowhere@example.com", "+16502530000");
        steps.awaitKnown(profile, 2);
        UUID requestId = UUID.randomUUID();
        try (TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS)) {
            peers.upstream().send(command(steps.workspace, requestId, PrivacyCommandIssued.Command.ERASE, profile));
            assertThat(acknowledgements(acks, requestId, 1).getFirst().detail())
                    .contains("removed them from 0 audience destination(s)");
        }
        assertThat(known(steps.workspace, profile).isEmpty()).isTrue();
    }

    @Test
    void shouldExportIdentifiersMembershipsAndDeliveries() {
        String destinationId = hubSpot();
        String profile = steps.knownProfile("export.me@example.com", null);
        steps.awaitKnown(profile, 1);
        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");

        UUID requestId = UUID.randomUUID();
        try (TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS)) {
            peers.upstream().send(command(steps.workspace, requestId, PrivacyCommandIssued.Command.EXPORT, profile));
            PrivacyCommandAcknowledged ack = acknowledgements(acks, requestId, 1).getFirst();
            assertThat(ack.service()).isEqualTo("activation");
            assertThat(ack.export().path("identifiers").get(0).path("value").asString())
                    .isEqualTo("export.me@example.com");
            assertThat(ack.export().path("memberships").get(0).path("segmentId").asString()).isEqualTo(steps.segment);
            assertThat(ack.export().path("deliveries").get(0).path("destinationId").asString()).isEqualTo(destinationId);
            assertThat(ack.export().path("deliveries").get(0).path("status").asString()).isEqualTo("delivered");
        }
        assertThat(known(steps.workspace, profile).emails()).containsExactly("export.me@example.com");
    }
}
