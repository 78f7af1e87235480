package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MembershipChanged.Transition;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Issue 15 (ordering): a webhook receiver can tell a profile's membership. A destination receives one
 * profile's deliveries one at a time, in the order they were queued; a failed one waiting for its
 * retry holds back the later ones of its profile (not those of other profiles), spread by the time
 * queued between them, and the next one is due at once when it is done; and a membership change's
 * body carries its {@code version} and {@code occurredAt}.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class MembershipOrderIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int CHANGES = 8;
    /**
     * The retry window: a Retry-After far beyond it is cut to its end, so the failed delivery is tried
     * once more after this long, ample time for the other profile's deliveries on a loaded machine.
     */
    private static final Duration RETRY_WINDOW = Duration.ofSeconds(10);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.retry-for", RETRY_WINDOW::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DeliveryRepository deliveries;

    private DestinationsApi api;
    private String workspace;
    private String segmentId;
    private String hook;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, CdpTestEnvironment.current().token(workspace, Scopes.DESTINATIONS_WRITE));
        segmentId = "seg-" + UUID.randomUUID();
        hook = Peers.newHook();
    }

    @Test
    void shouldSendOneProfilesQuickEntriesAndExitsInVersionOrderEachWithItsVersionAndTime() {
        String profileId = newProfile();
        String other = newProfile();
        peers.accepts(hook);
        String destinationId = createWebhook();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        for (int version = 1; version <= CHANGES; version++) {
            peers.upstream().send(change(profileId, version, start));
            peers.upstream().send(change(other, version, start));
        }

        await().atMost(TIMEOUT).until(() -> delivered(destinationId) == 2 * CHANGES);
        for (String profile : List.of(profileId, other)) {
            List<JsonNode> bodies = peers.requests(hook).stream().map(Peers::body)
                    .filter(body -> body.path("profileId").asString().equals(profile)).toList();
            assertThat(bodies).extracting(body -> body.path("version").asLong())
                    .containsExactly(versions(CHANGES));
            for (JsonNode body : bodies) {
                long version = body.path("version").asLong();
                assertThat(body.path("kind").asString())
                        .isEqualTo(version % 2 == 1 ? "segment_entered" : "segment_exited");
                assertThat(body.path("segmentId").asString()).isEqualTo(segmentId);
                assertThat(Instant.parse(body.path("occurredAt").asString())).isEqualTo(occurredAt(start, version));
            }
        }
    }

    @Test
    void shouldHoldBackAProfilesLaterChangeWhileItsFailedOneWaitsForItsRetryButNotOtherProfiles() {
        String profileId = newProfile();
        String other = newProfile();
        // the profile's first delivery is refused for now with a 503 (retried at the window's end), the retry accepted
        wiremock.stubFor(post(urlEqualTo(hook)).withRequestBody(matchingJsonPath("$.profileId", equalTo(profileId)))
                .inScenario(hook).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600"))
                .willSetStateTo("up"));
        wiremock.stubFor(post(urlEqualTo(hook)).withRequestBody(matchingJsonPath("$.profileId", equalTo(profileId)))
                .inScenario(hook).whenScenarioStateIs("up").willReturn(ok()));
        wiremock.stubFor(post(urlEqualTo(hook)).withRequestBody(matchingJsonPath("$.profileId", equalTo(other)))
                .willReturn(ok()));
        String destinationId = createWebhook();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        peers.upstream().send(change(profileId, 1, start));
        await().atMost(TIMEOUT).until(() -> requestsOf(profileId).size() == 1);
        peers.upstream().send(change(profileId, 2, start));
        peers.upstream().send(change(other, 1, start));
        peers.upstream().send(change(other, 2, start));

        // the other profile is not held back: both its changes leave while the failed one waits
        await().atMost(TIMEOUT).until(() -> requestsOf(other).size() == 2);
        assertThat(requestsOf(profileId)).extracting(body -> body.path("version").asLong()).containsExactly(1L);
        // and the held-back exit is due no earlier than the entry's retry, so claims do not keep skipping it
        await().atMost(TIMEOUT).until(() -> jdbc.queryForObject("""
                SELECT bool_and(held.next_attempt_at >= failed.next_attempt_at)
                FROM deliveries failed JOIN deliveries held
                  ON held.workspace_id = failed.workspace_id AND held.destination_id = failed.destination_id
                 AND held.profile_id = failed.profile_id AND held.kind = 'segment_exited'
                WHERE failed.workspace_id = ? AND failed.profile_id = ? AND failed.kind = 'segment_entered'
                  AND failed.attempts = 1 AND failed.status = 'pending' AND failed.lease_token IS NULL""",
                Boolean.class, workspace, profileId), Boolean.TRUE::equals);

        await().atMost(TIMEOUT).until(() -> delivered(destinationId) == 4);
        // the exit left only once the entry was delivered: the receiver ends with the profile out of the segment
        List<JsonNode> sent = requestsOf(profileId);
        assertThat(sent).extracting(body -> body.path("version").asLong()).containsExactly(1L, 1L, 2L);
        assertThat(sent.getLast().path("kind").asString()).isEqualTo("segment_exited");
        assertThat(requestsOf(other)).extracting(body -> body.path("version").asLong()).containsExactly(1L, 2L);
    }

    @Test
    void shouldSpreadAQueueBehindAWaitingDeliveryByItsSpacingAndReleaseTheNextOneAsSoonAsItIsDone() {
        // a disabled destination: the dispatcher leaves its deliveries alone, and the test records for it
        UUID destinationId = UUID.fromString(api.createWebhook(peers.url(hook), "s", "[]", "[\"" + segmentId + "\"]",
                false));
        String profileId = newProfile();
        List<UUID> queue = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (UUID id : queue) {
            deliveries.insertAll(List.of(new QueuedDelivery(workspace, id, destinationId, profileId,
                    DeliveryKind.segment_entered, "{}", UUID.randomUUID(), 0)));
        }
        // queued an hour apart, as during a long outage
        jdbc.update("UPDATE deliveries SET created_at = created_at + interval '1 hour' WHERE id = ?", queue.get(1));
        jdbc.update("UPDATE deliveries SET created_at = created_at + interval '2 hours' WHERE id = ?", queue.get(2));

        // the first one fails and waits five minutes for its retry
        deliveries.record(List.of(DeliveryOutcome.retry(lease(queue.getFirst(), profileId, destinationId), null, 1,
                Duration.ofMinutes(5), "HTTP 503", Instant.now())));

        // the later ones are due after it by the time queued between them, not all at its instant
        assertThat(after(queue.get(1), queue.getFirst(), "next_attempt_at")).startsWith("01:00:00")
                .isEqualTo(after(queue.get(1), queue.getFirst(), "created_at"));
        assertThat(after(queue.get(2), queue.getFirst(), "next_attempt_at")).startsWith("02:00:00")
                .isEqualTo(after(queue.get(2), queue.getFirst(), "created_at"));

        // the first one is delivered: the next one is due at once, the one after it still waits its turn
        deliveries.record(List.of(DeliveryOutcome.delivered(lease(queue.getFirst(), profileId, destinationId),
                "dec-" + profileId, 2)));

        assertThat(jdbc.queryForObject("SELECT next_attempt_at <= now() FROM deliveries WHERE id = ?", Boolean.class,
                queue.get(1))).isTrue();
        assertThat(jdbc.queryForObject("SELECT next_attempt_at > now() + interval '1 hour' FROM deliveries WHERE id = ?",
                Boolean.class, queue.get(2))).isTrue();
    }

    // --- helpers

    /** Takes the lease of a queued delivery as a dispatcher's claim does; the delivery as claimed. */
    private ClaimedDelivery lease(UUID id, String profileId, UUID destinationId) {
        UUID token = UUID.randomUUID();
        jdbc.update("UPDATE deliveries SET lease_token = ?, next_attempt_at = now() + interval '1 minute' WHERE id = ?",
                token, id);
        return new ClaimedDelivery(workspace, id, destinationId, profileId, DeliveryKind.segment_entered,
                JsonNodeFactory.instance.objectNode(), 0, 0, null, Instant.now(), token, "webhook", null);
    }

    /** How much later {@code column} (a time) of {@code later} is than that of {@code first}, as PostgreSQL prints it. */
    private String after(UUID later, UUID first, String column) {
        return jdbc.queryForObject("SELECT (l." + column + " - f." + column + ")::text FROM deliveries l, deliveries f"
                + " WHERE l.id = ? AND f.id = ?", String.class, later, first);
    }

    private String newProfile() {
        String profileId = "p-" + UUID.randomUUID();
        peers.consent.decides(profileId, "allow", "dec-" + profileId);
        return profileId;
    }

    private String createWebhook() {
        return api.createWebhook(peers.url(hook), "s", "[]", "[\"" + segmentId + "\"]", true);
    }

    /** The {@code version}th change of the profile: odd ones enter the segment, even ones exit it. */
    private MembershipChanged change(String profileId, long version, Instant start) {
        return new MembershipChanged(UUID.randomUUID(), workspace, occurredAt(start, version), segmentId, profileId,
                version % 2 == 1 ? Transition.entered : Transition.exited, version);
    }

    private static Instant occurredAt(Instant start, long version) {
        return start.plusMillis(version);
    }

    private static Long[] versions(int count) {
        Long[] versions = new Long[count];
        for (int i = 0; i < count; i++) {
            versions[i] = i + 1L;
        }
        return versions;
    }

    private List<JsonNode> requestsOf(String profileId) {
        return peers.requests(hook).stream().map(Peers::body)
                .filter(body -> body.path("profileId").asString().equals(profileId)).toList();
    }

    private long delivered(String destinationId) {
        return api.deliveries(destinationId).stream().filter(d -> d.path("status").asString().equals("delivered"))
                .count();
    }
}
