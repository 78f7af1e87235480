package org.opencdp.profile.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.profile.ProfileDriver.TIMEOUT;
import static org.opencdp.profile.ProfileDriver.header;
import static org.opencdp.profile.ProfileEvents.identify;
import static org.opencdp.profile.ProfileEvents.object;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.profile.ProfileDriver;
import org.opencdp.profile.ProfileEvents;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Resolved events in: event store, traits by event time with provenance, ProfileChanged out. (The
 * events are of 2025, older than the default retention: the maintenance job is off so it cannot
 * delete them mid-test.)
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false"})
class ProfileEventsIT {

    private static final String WS = "ws_events";
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private ProfileDriver client;
    private ApiClient api;

    @BeforeEach
    void connect() {
        client = new ProfileDriver(infrastructure, port);
        api = client.api();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void shouldCreateTheProfileWithTraitsAndProvenanceAndPublishOneChangeWhenIdentified() {
        String profileId = newProfileId();
        var event = ProfileEvents.event(SegmentEvent.EventType.identify, "m-identify", null,
                T, null, "{\"email\":\"ada@example.com\",\"plan\":\"pro\",\"address\":{\"city\":\"Paris\"}}");
        event.context().set("traits", object("{\"locale\":\"fr-FR\"}"));
        client.send(ProfileEvents.resolved(WS, profileId, event));

        client.awaitEvents(WS, profileId, 1);
        JsonNode profile = body(api.get("/v1/profiles/" + profileId, client.token(WS)), 200);
        assertThat(profile.path("id").asString()).isEqualTo(profileId);
        assertThat(profile.path("traits")).isEqualTo(object(
                "{\"address\":{\"city\":\"Paris\"},\"email\":\"ada@example.com\",\"locale\":\"fr-FR\",\"plan\":\"pro\"}"));
        assertThat(Instant.parse(profile.path("createdAt").asString()))
                .isBeforeOrEqualTo(Instant.parse(profile.path("updatedAt").asString()));

        JsonNode traits = body(api.get("/v1/profiles/" + profileId + "/traits", client.token(WS)), 200);
        assertThat(traits.path("profileId").asString()).isEqualTo(profileId);
        assertThat(traits.path("traits").path("email")).isEqualTo(object(
                "{\"value\":\"ada@example.com\",\"sourceId\":\"src_web\",\"messageId\":\"m-identify\","
                        + "\"timestamp\":\"2025-03-01T10:00:00Z\"}"));
        assertThat(traits.path("traits").path("locale").path("messageId").asString()).isEqualTo("m-identify");

        List<ProfileChanged> published = client.changesSoFar(WS, profileId);
        assertThat(published).hasSize(1);
        ProfileChanged change = published.getFirst();
        assertThat(change.workspaceId()).isEqualTo(WS);
        assertThat(change.profileId()).isEqualTo(profileId);
        assertThat(change.traits()).containsOnlyKeys("email", "plan", "address", "locale");
        assertThat(change.traits().get("plan").asString()).isEqualTo("pro");
        assertThat(change.computedTraits()).isEmpty();
    }

    @Test
    void shouldKeepTheNewerValueWhenAnOlderEventArrivesLater() {
        var newer = "{\"plan\":\"pro\",\"name\":\"Ada\"}";
        var older = "{\"plan\":\"free\",\"email\":\"ada@example.com\"}";
        // out of order in one workspace, in order in another; the same messageIds in both, since
        // de-duplication is per workspace
        String outOfOrder = newProfileId();
        client.send(identify(WS, outOfOrder, "m-newer", T.plusSeconds(60), newer),
                identify(WS, outOfOrder, "m-older", T, older));
        String inOrderWorkspace = "ws_in_order";
        String inOrder = newProfileId();
        client.send(identify(inOrderWorkspace, inOrder, "m-older", T, older),
                identify(inOrderWorkspace, inOrder, "m-newer", T.plusSeconds(60), newer));

        List<ProfileChanged> published = client.changesSoFar(WS, outOfOrder);
        assertThat(published).hasSize(2);
        assertThat(published.get(0).traits()).containsOnlyKeys("plan", "name");
        assertThat(published.get(1).traits()).as("the older event lost 'plan'").containsOnlyKeys("email");

        client.changesSoFar(inOrderWorkspace, inOrder);
        JsonNode outOfOrderTraits = traitsWithoutMarkers(WS, outOfOrder);
        assertThat(outOfOrderTraits.path("plan").path("value").asString()).isEqualTo("pro");
        assertThat(outOfOrderTraits.path("plan").path("messageId").asString()).isEqualTo("m-newer");
        assertThat(outOfOrderTraits.path("email").path("messageId").asString()).isEqualTo("m-older");
        assertThat(outOfOrderTraits).isEqualTo(traitsWithoutMarkers(inOrderWorkspace, inOrder));
    }

    @Test
    void shouldStoreAMessageIdOnceAndChangeNothingWhenItArrivesAgainUnderOtherIds() {
        String profileId = newProfileId();
        EventResolved first = identify(WS, profileId, "m-thrice", T, "{\"plan\":\"pro\"}");
        EventResolved retried = identify(WS, profileId, "m-thrice", T, "{\"plan\":\"team\"}");
        EventResolved retriedAgain = identify(WS, profileId, "m-thrice", T.plusSeconds(5), "{\"plan\":\"free\"}");
        assertThat(List.of(first.id(), retried.id(), retriedAgain.id())).doesNotHaveDuplicates();

        client.send(first, retried, retriedAgain);

        List<ProfileChanged> published = client.changesSoFar(WS, profileId);
        assertThat(published).hasSize(1);
        assertThat(published.getFirst().traits().get("plan").asString()).isEqualTo("pro");
        assertThat(storedEvents("m-thrice")).isEqualTo(1);
        assertThat(traitsWithoutMarkers(WS, profileId).path("plan").path("value").asString()).isEqualTo("pro");
    }

    @Test
    void shouldDoNothingTwiceWhenTheSameResolvedEventIsDeliveredAgain() {
        String profileId = newProfileId();
        EventResolved message = identify(WS, profileId, "m-redelivered", T, "{\"plan\":\"pro\"}");

        client.send(message, message);

        assertThat(client.changesSoFar(WS, profileId)).hasSize(1);
        assertThat(storedEvents("m-redelivered")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = 'profile-events' AND message_id = ?",
                Long.class, message.id())).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterRecordsItCannotProcessAndKeepConsuming() {
        String profileId = newProfileId();
        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("profile"))) {
            client.writer().send(Topics.RESOLVED_EVENTS, WS + ":not-json", "{\"id\": \"oops\"");
            EventResolved withoutProfile = identify(WS, null, "m-no-profile", T, "{\"plan\":\"pro\"}");
            client.writer().send(Topics.RESOLVED_EVENTS, WS + ":no-profile", MessageCodec.toJson(withoutProfile));
            EventResolved unstorable = identify(WS, profileId, "m-nul", T, "{\"name\":\"A\\u0000da\"}");
            client.writer().send(Topics.RESOLVED_EVENTS, WS + ":nul", MessageCodec.toJson(unstorable));
            client.send(identify(WS, profileId, "m-fine", T.plusSeconds(1), "{\"plan\":\"pro\"}"));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(
                    r -> r.key() != null && r.key().startsWith(WS + ":"), 3, TIMEOUT);

            assertThat(dead).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder(WS + ":not-json", WS + ":no-profile", WS + ":nul");
            assertThat(dead).allSatisfy(r -> {
                assertThat(header(r, KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
                assertThat(header(r, KafkaConfiguration.DLT_SERVICE)).isEqualTo("profile");
            });
            assertThat(header(dead.stream().filter(r -> r.key().endsWith(":no-profile")).findFirst().orElseThrow(),
                    KafkaConfiguration.DLT_ERROR)).contains("profileId");
            assertThat(header(dead.stream().filter(r -> r.key().endsWith(":nul")).findFirst().orElseThrow(),
                    KafkaConfiguration.DLT_ERROR)).contains("Unicode escape");
        }
        JsonNode events = client.awaitEvents(WS, profileId, 1);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("messageId").asString()).isEqualTo("m-fine");
        assertThat(storedEvents("m-nul")).isZero();
    }

    @Test
    void shouldStoreTheWholeEventInTheEventStore() {
        String profileId = newProfileId();
        client.send(ProfileEvents.track(WS, profileId, "m-track", T, "Order Completed", "{\"total\":59.9}"));

        client.awaitEvents(WS, profileId, 1);

        Map<String, Object> row = jdbc.queryForMap("""
                SELECT type, name, source_id, payload::text AS payload, tableoid::regclass::text AS partition
                FROM events WHERE workspace_id = ? AND message_id = ?""", WS, "m-track");
        assertThat(row).containsEntry("type", "track").containsEntry("name", "Order Completed")
                .containsEntry("source_id", "src_web").containsEntry("partition", "events_default");
        JsonNode payload = object((String) row.get("payload"));
        assertThat(payload.path("messageId").asString()).isEqualTo("m-track");
        assertThat(payload.path("properties").path("total").asDouble()).isEqualTo(59.9);
        assertThat(payload.path("context").path("library").path("name").asString()).isEqualTo("analytics.js");
        assertThat(client.changesSoFar(WS, profileId)).as("a track without traits changes none")
                .isEmpty();
    }

    private JsonNode traitsWithoutMarkers(String workspaceId, String profileId) {
        var traits = (ObjectNode) body(api.get(
                "/v1/profiles/" + profileId + "/traits", client.token(workspaceId)), 200).path("traits");
        traits.propertyNames().stream().filter(k -> k.startsWith("marker_")).toList().forEach(traits::remove);
        return traits;
    }

    private long storedEvents(String messageId) {
        return jdbc.queryForObject("SELECT count(*) FROM events WHERE workspace_id = ? AND message_id = ?",
                Long.class, WS, messageId);
    }

    private static String newProfileId() {
        return "p-" + UUID.randomUUID();
    }
}
