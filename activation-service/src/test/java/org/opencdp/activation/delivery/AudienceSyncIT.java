package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.activation.delivery.AudienceSteps.sha256;
import static org.opencdp.activation.delivery.Peers.body;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13: audience sync by diff. Membership messages set a profile's desired membership (a lower
 * version never wins) and only the difference with what the destination confirmed is sent, so
 * shuffled, repeated and retried messages end in the right state at the destination (HubSpot's
 * batch upsert, a WireMock stub: a contact's membership is the last value sent for its e-mail), and
 * merges remove the merged-away profile's identifiers or add them with the survivor (Meta's
 * Custom Audience users endpoint: POST adds, DELETE removes).
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class AudienceSyncIT {

    private static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.apis.hubspot", wiremock::baseUrl);
        registry.add("cdp.activation.apis.meta", () -> wiremock.baseUrl() + "/v27.0");
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
    }

    private String hubSpot() {
        return api.createAudience("hubspot", """
                {"accessToken": "pat-1", "membershipProperty": "%s"}""".formatted(property), steps.segment);
    }

    /** The stub answers 503 to the first {@code failures} upserts of this test, then 200. */
    private void hubSpotAnswers(int failures) {
        String scenario = "sync-" + property;
        String state = Scenario.STARTED;
        for (int i = 0; i < failures; i++) {
            String next = "failed-" + i;
            wiremock.stubFor(post(urlEqualTo(UPSERT)).withRequestBody(containing(property)).inScenario(scenario)
                    .whenScenarioStateIs(state).willReturn(aResponse().withStatus(503)).willSetStateTo(next));
            state = next;
        }
        wiremock.stubFor(post(urlEqualTo(UPSERT)).withRequestBody(containing(property)).inScenario(scenario)
                .whenScenarioStateIs(state).willReturn(okJson("{\"status\": \"COMPLETE\", \"results\": []}")));
    }

    /** What the HubSpot stub holds: per e-mail, the membership value of the last accepted upsert. */
    private Map<String, Boolean> hubSpotState() {
        Map<String, Boolean> state = new HashMap<>();
        for (var event : wiremock.getAllServeEvents().reversed()) {
            LoggedRequest request = event.getRequest();
            if (!request.getUrl().equals(UPSERT) || !request.getBodyAsString().contains(property)
                    || event.getResponse().getStatus() != 200) {
                continue;
            }
            body(request).path("inputs").valueStream().forEach(input -> state.put(input.path("id").asString(),
                    input.path("properties").path(property).asString().equals("true")));
        }
        return state;
    }

    private long pending(String destinationId) {
        return jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE workspace_id = ? AND destination_id = ?::uuid "
                + "AND status = 'pending'", Long.class, steps.workspace, destinationId);
    }

    private long queued(String destinationId) {
        return jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE workspace_id = ? AND destination_id = ?::uuid",
                Long.class, steps.workspace, destinationId);
    }

    @Test
    void shouldConvergeOnShuffledRepeatedAndRetriedMembershipMessages() {
        long seed = ThreadLocalRandom.current().nextLong();
        Random random = new Random(seed);
        hubSpotAnswers(3);
        String destinationId = hubSpot();
        Map<String, String> emails = new LinkedHashMap<>();
        Map<String, Boolean> expected = new LinkedHashMap<>();
        List<MembershipChanged> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String email = "p" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String profile = steps.knownProfile(email, null);
            emails.put(profile, email);
            int versions = 1 + random.nextInt(5);
            boolean member = false;
            for (int version = 1; version <= versions; version++) {
                member = random.nextBoolean();
                MembershipChanged message = TestMessages.membership(steps.workspace, profile, steps.segment,
                        member ? MembershipChanged.Transition.entered : MembershipChanged.Transition.exited, version);
                messages.add(message);
                if (random.nextInt(4) == 0) {
                    messages.add(message); // the same message again (a redelivery)
                }
                if (random.nextInt(4) == 0) {
                    // the same change under a new message id (a re-publication)
                    messages.add(new MembershipChanged(UUID.randomUUID(), message.workspaceId(), Instant.now(),
                            message.segmentId(), message.profileId(), message.transition(), message.version()));
                }
            }
            expected.put(email, member);
        }
        emails.keySet().forEach(profile -> steps.awaitKnown(profile, 1));
        Collections.shuffle(messages, random);
        messages.forEach(peers.upstream()::send);
        long distinct = messages.stream().map(MembershipChanged::id).distinct().count();

        await("convergence (seed " + seed + ")").atMost(SETTLE).pollInterval(Duration.ofMillis(300))
                .until(() -> queued(destinationId) == distinct && pending(destinationId) == 0);
        assertThat(hubSpotState()).as("the stub's state (seed %d)", seed).isEqualTo(expected);
        assertThat(api.deadLetters(destinationId)).as("seed %d", seed).isEmpty();
    }

    @Test
    void shouldNeverLetARetriedEntryOvertakeALaterExit() {
        hubSpotAnswers(1);
        String destinationId = hubSpot();
        String profile = steps.knownProfile("late@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile); // answered 503: retried later
        await().atMost(SETTLE).until(() -> wiremock.findAll(postRequestedFor(urlEqualTo(UPSERT))
                .withRequestBody(containing(property))).size() >= 1);
        steps.exits(profile);

        await().atMost(SETTLE).pollInterval(Duration.ofMillis(300))
                .until(() -> queued(destinationId) == 2 && pending(destinationId) == 0);
        assertThat(hubSpotState()).containsExactly(Map.entry("late@example.com", false));
        List<LoggedRequest> sent = wiremock.findAll(postRequestedFor(urlEqualTo(UPSERT))
                .withRequestBody(containing(property)));
        assertThat(body(sent.getLast()).path("inputs").get(0).path("properties").path(property).asString())
                .isEqualTo("false");
    }

    @Test
    void shouldSendNothingWhenTheDestinationAlreadyHoldsWhatTheMembershipAsksFor() {
        hubSpotAnswers(0);
        String destinationId = hubSpot();
        String profile = steps.knownProfile("twice@example.com", null);
        steps.awaitKnown(profile, 1);
        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");
        steps.enters(profile); // a newer version saying the same

        List<JsonNode> both = steps.awaitDeliveries(destinationId, profile, 2,
                d -> d.path("status").asString().equals("delivered"));
        assertThat(both.getFirst().path("lastError").asString()).startsWith("nothing to send");
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(UPSERT)).withRequestBody(containing(property))))
                .hasSize(1);
    }

    @Test
    void shouldIgnoreAMembershipMessageOlderThanTheStoredOne() {
        hubSpotAnswers(0);
        String destinationId = hubSpot();
        String profile = steps.knownProfile("stale@example.com", null);
        steps.awaitKnown(profile, 1);
        peers.upstream().send(TestMessages.membership(steps.workspace, profile, steps.segment,
                MembershipChanged.Transition.exited, 5));
        steps.awaitStatus(destinationId, profile, "delivered");
        peers.upstream().send(TestMessages.membership(steps.workspace, profile, steps.segment,
                MembershipChanged.Transition.entered, 4));

        await().atMost(SETTLE).until(() -> queued(destinationId) == 2 && pending(destinationId) == 0);
        assertThat(hubSpotState()).containsExactly(Map.entry("stale@example.com", false));
    }

    private String metaUsers;

    private String meta() {
        String audienceId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50));
        metaUsers = "/v27.0/" + audienceId + "/users";
        wiremock.stubFor(any(urlEqualTo(metaUsers)).willReturn(okJson("{\"num_received\": 1}")));
        return api.createAudience("meta_custom_audiences", """
                {"audienceId": "%s", "accessToken": "meta-1"}""".formatted(audienceId), steps.segment);
    }

    /** What the Meta stub holds: per e-mail hash, whether the last request naming it added it. */
    private Map<String, Boolean> metaState() {
        Map<String, Boolean> state = new HashMap<>();
        for (LoggedRequest request : wiremock.findAll(anyRequestedFor(urlEqualTo(metaUsers)))) {
            boolean add = request.getMethod().getName().equals("POST");
            body(request).path("payload").path("data").valueStream()
                    .forEach(row -> state.put(row.get(0).asString(), add));
        }
        return state;
    }

    private void merge(String survivor, String merged) {
        peers.upstream().send(new ProfilesMerged(UUID.randomUUID(), steps.workspace, Instant.now(), survivor,
                List.of(merged), List.of(), UUID.randomUUID(), "email"));
    }

    @Test
    void shouldRemoveAMergedAwayMemberWhoseSurvivorIsNoMember() throws Exception {
        String destinationId = meta();
        String merged = steps.knownProfile("merged@example.com", null);
        String survivor = steps.knownProfile("survivor@example.com", null);
        steps.awaitKnown(merged, 1);
        steps.awaitKnown(survivor, 1);
        steps.enters(merged);
        steps.awaitStatus(destinationId, merged, "delivered");
        assertThat(metaState()).containsExactly(Map.entry(sha256("merged@example.com"), true));

        merge(survivor, merged);

        await().atMost(SETTLE).until(() -> metaState().equals(Map.of(sha256("merged@example.com"), false,
                sha256("survivor@example.com"), false)));
        await().atMost(SETTLE).until(() -> pending(destinationId) == 0); // its outcome is recorded after the call
        assertThat(metaState().get(sha256("merged@example.com"))).isFalse();
    }

    @Test
    void shouldAddTheMergedAwayProfilesIdentifiersWithASurvivorThatIsAMember() throws Exception {
        String destinationId = meta();
        String merged = steps.knownProfile("gone@example.com", null);
        String survivor = steps.knownProfile("kept@example.com", null);
        steps.awaitKnown(merged, 1);
        steps.awaitKnown(survivor, 1);
        steps.enters(survivor);
        steps.awaitStatus(destinationId, survivor, "delivered");

        merge(survivor, merged);

        await().atMost(SETTLE).until(() -> metaState().equals(Map.of(sha256("gone@example.com"), true,
                sha256("kept@example.com"), true)));
        // a late exit for the merged-away id sends nothing: its identifiers are the survivor's now
        steps.exits(merged);
        steps.awaitDeliveries(destinationId, merged, 1, d -> d.path("lastError").asString().contains("merged into"));
        assertThat(metaState().get(sha256("gone@example.com"))).isTrue();
    }
}
