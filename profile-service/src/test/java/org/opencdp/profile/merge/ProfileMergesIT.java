package org.opencdp.profile.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.profile.ProfileDriver.TIMEOUT;
import static org.opencdp.profile.ProfileEvents.identify;
import static org.opencdp.profile.ProfileEvents.merge;
import static org.opencdp.profile.ProfileEvents.track;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.ListenerPause;
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
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Merges from identity-service: traits folded by event time, events and identifiers moved, computed
 * traits combined, the merged id answering with the survivor, ProfileChanged published, idempotence
 * and the late event of a merged-away profile.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false"})
class ProfileMergesIT {

    private static final String WS = "ws_merges";
    /** Recent, so the events are well within retention. */
    private static final Instant T = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

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
    void shouldFoldTraitsByEventTimeMoveEventsAndAnswerForTheMergedIdWithTheSurvivor() {
        String survivor = "s-" + UUID.randomUUID();
        String merged = "m-" + UUID.randomUUID();
        String token = client.token(WS);
        String writer = infrastructure.token(WS, "profiles:write");
        assertThat(api.post("/v1/computed-traits", writer,
                "{\"key\":\"orders\",\"aggregation\":\"count\",\"event\":\"Order Completed\"}").statusCode())
                .isEqualTo(201);
        await().atMost(TIMEOUT).until(() -> "ready".equals(
                body(api.get("/v1/computed-traits/orders", token), 200).path("status").asString()));
        client.send(identify(WS, survivor, "s1-" + survivor, T.plusSeconds(10), "{\"plan\":\"pro\",\"name\":\"Ada\"}"),
                identify(WS, survivor, "s2-" + survivor, T, "{\"email\":\"ada@example.com\"}"),
                track(WS, survivor, "s3-" + survivor, T.plusSeconds(2), "Order Completed", "{\"total\":10}"));
        client.send(ProfileEvents.resolved(WS, merged, ProfileEvents.personEvent(EventType.identify,
                        "m1-" + merged, "user-" + merged, null, T.plusSeconds(20), "{\"plan\":\"team\"}", null)),
                identify(WS, merged, "m2-" + merged, T.minusSeconds(5), "{\"name\":\"Old name\",\"city\":\"Paris\"}"),
                track(WS, merged, "m3-" + merged, T.plusSeconds(3), "Order Completed", "{\"total\":5}"),
                track(WS, merged, "m4-" + merged, T.plusSeconds(4), "Order Completed", "{\"total\":7}"));
        // the same ids in another workspace stay as they are
        client.send(identify("ws_bystander", merged, "b1-" + merged, T, "{\"plan\":\"free\"}"));
        client.awaitEvents(WS, survivor, 3);
        client.awaitEvents(WS, merged, 4);
        client.awaitEvents("ws_bystander", merged, 1);
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + merged, token), 200)
                .path("computedTraits").path("orders").asLong() == 2);

        ProfilesMerged message = merge(WS, survivor, merged);
        client.send(message);

        await().atMost(TIMEOUT).until(() -> survivor.equals(body(api.get("/v1/profiles/" + merged, token), 200)
                .path("id").asString()));
        JsonNode viaMergedId = body(api.get("/v1/profiles/" + merged, token), 200);
        assertThat(viaMergedId.path("redirectedFrom").asString()).isEqualTo(merged);
        assertThat(viaMergedId.path("mergedFrom").toString()).isEqualTo("[\"" + merged + "\"]");
        assertThat(viaMergedId.path("traits")).isEqualTo(ProfileEvents.object(
                "{\"city\":\"Paris\",\"email\":\"ada@example.com\",\"name\":\"Ada\",\"plan\":\"team\"}"));
        assertThat(viaMergedId.path("computedTraits").path("orders").asLong()).isEqualTo(3);
        JsonNode viaSurvivor = body(api.get("/v1/profiles/" + survivor, token), 200);
        assertThat(viaSurvivor.path("redirectedFrom").isNull()).isTrue();
        assertThat(viaSurvivor.path("traits")).isEqualTo(viaMergedId.path("traits"));

        JsonNode traits = body(api.get("/v1/profiles/" + merged + "/traits", token), 200);
        assertThat(traits.path("profileId").asString()).isEqualTo(survivor);
        assertThat(traits.path("traits").path("plan").path("messageId").asString()).isEqualTo("m1-" + merged);
        assertThat(traits.path("traits").path("name").path("messageId").asString()).isEqualTo("s1-" + survivor);
        JsonNode events = body(api.get("/v1/profiles/" + merged + "/events", token), 200).path("items");
        assertThat(events).hasSize(7);
        assertThat(events.get(0).path("messageId").asString()).isEqualTo("m1-" + merged);
        assertThat(body(api.get("/v1/profiles/lookup?type=user_id&value=user-" + merged, token), 200)
                .path("id").asString()).isEqualTo(survivor);
        JsonNode bystander = body(api.get("/v1/profiles/" + merged, client.token("ws_bystander")), 200);
        assertThat(bystander.path("id").asString()).isEqualTo(merged);
        assertThat(bystander.path("traits").path("plan").asString()).isEqualTo("free");

        ProfileChanged survivorChange = changeOf(message, survivor);
        assertThat(survivorChange.traits()).containsOnlyKeys("city", "plan");
        assertThat(survivorChange.traits().get("plan").asString()).isEqualTo("team");
        assertThat(survivorChange.computedTraits()).containsOnlyKeys("orders");
        assertThat(survivorChange.computedTraits().get("orders").asLong()).isEqualTo(3);
        ProfileChanged mergedChange = changeOf(message, merged);
        assertThat(mergedChange.traits()).containsOnlyKeys("city", "name", "plan");
        assertThat(mergedChange.traits().values()).allMatch(JsonNode::isNull);
        assertThat(mergedChange.computedTraits()).containsOnlyKeys("orders");
        assertThat(mergedChange.computedTraits().get("orders").isNull()).isTrue();
        assertThat(survivorChange.version()).as("issue 15: after the survivor's 3 changes (2 identifies, 1 order)")
                .isEqualTo(4);
        assertThat(mergedChange.version()).as("the merged profile's last: after its 4").isEqualTo(5);
        assertThat(client.changesSoFar(WS, survivor)).extracting(ProfileChanged::version)
                .containsExactly(1L, 2L, 3L, 4L); // and the marker's, 5

        client.send(identify(WS, merged, "late-" + merged, T.plusSeconds(30), "{\"late\":true}"));

        assertThat(client.awaitChanges(WS, survivor, c -> c.traits().containsKey("late")).getLast().version())
                .as("a late event of the merged id lands on the survivor, whose numbering goes on").isEqualTo(6);
        assertThat(jdbc.queryForObject("SELECT change_version FROM profiles WHERE workspace_id = ? AND id = ?",
                Long.class, WS, merged)).as("the merged-away profile published nothing more").isEqualTo(5);
    }

    @Test
    void shouldChangeNothingWhenAMergeIsDeliveredAgainOrRepeated() {
        String survivor = "s-" + UUID.randomUUID();
        String merged = "m-" + UUID.randomUUID();
        client.send(identify(WS, survivor, "s1-" + survivor, T, "{\"plan\":\"pro\"}"),
                identify(WS, merged, "m1-" + merged, T.plusSeconds(1), "{\"plan\":\"team\"}"));
        client.awaitEvents(WS, survivor, 1);
        client.awaitEvents(WS, merged, 1);
        ProfilesMerged message = merge(WS, survivor, merged);
        ProfilesMerged repeated = merge(WS, survivor, merged);

        client.send(message);
        client.send(message);
        client.send(repeated);

        await().atMost(TIMEOUT).until(() -> processedMerges(message, repeated) == 2);
        List<ProfileChanged> published = client.changesSoFar(WS, survivor);
        assertThat(published).as("the identify, then the merge once").hasSize(2);
        assertThat(published.get(1).id()).isEqualTo(changeId(message, survivor));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = 'profile-merges' AND message_id = ?",
                Long.class, message.id())).isEqualTo(1);
        assertThat(body(api.get("/v1/profiles/" + survivor + "/events", client.token(WS)), 200).path("items"))
                .as("1 + 1 events, and the marker").hasSize(3);
    }

    @Test
    void shouldResolveEventsAndMergesOfAMergedAwayProfileToTheSurvivor() {
        String first = "a-" + UUID.randomUUID();
        String second = "b-" + UUID.randomUUID();
        String last = "c-" + UUID.randomUUID();
        String token = client.token(WS);
        // merged before any of its events arrive: its late events land on the survivor
        client.send(merge(WS, second, first));
        await().atMost(TIMEOUT).until(() -> api.get("/v1/profiles/" + second, token).statusCode() == 200);
        client.send(identify(WS, first, "late-" + first, T, "{\"plan\":\"pro\"}"));
        JsonNode events = client.awaitEvents(WS, second, 1);
        assertThat(events.get(0).path("messageId").asString()).isEqualTo("late-" + first);

        // the survivor merged in turn: the first id follows both redirects; a merge naming an old survivor lands on the new
        client.send(merge(WS, last, second));
        await().atMost(TIMEOUT).until(() -> last.equals(body(api.get("/v1/profiles/" + first, token), 200)
                .path("id").asString()));
        String another = "d-" + UUID.randomUUID();
        client.send(identify(WS, another, "d1-" + another, T.plusSeconds(5), "{\"city\":\"Paris\"}"));
        client.awaitEvents(WS, another, 1);
        client.send(merge(WS, second, another));

        await().atMost(TIMEOUT).until(() -> last.equals(body(api.get("/v1/profiles/" + another, token), 200)
                .path("id").asString()));
        JsonNode profile = body(api.get("/v1/profiles/" + last, token), 200);
        assertThat(profile.path("traits").path("plan").asString()).isEqualTo("pro");
        assertThat(profile.path("traits").path("city").asString()).isEqualTo("Paris");
        List<String> mergedFrom = new ArrayList<>();
        profile.path("mergedFrom").forEach(id -> mergedFrom.add(id.asString()));
        assertThat(mergedFrom).containsExactlyInAnyOrder(first, second, another);
        assertThat(body(api.get("/v1/profiles/" + first + "/events", token), 200).path("items")).hasSize(2);
    }

    @Test
    void shouldApplyTheMergesOfOneChunkInOrderAndAMergeDeliveredTwiceInItOnce() {
        String first = "a-" + UUID.randomUUID();
        String second = "b-" + UUID.randomUUID();
        String third = "c-" + UUID.randomUUID();
        client.send(identify(WS, first, "f1-" + first, T, "{\"plan\":\"pro\"}"),
                identify(WS, second, "s1-" + second, T.plusSeconds(1), "{\"city\":\"Paris\"}"),
                identify(WS, third, "t1-" + third, T.plusSeconds(2), "{\"plan\":\"team\"}"));
        client.awaitEvents(WS, first, 1);
        client.awaitEvents(WS, second, 1);
        client.awaitEvents(WS, third, 1);
        ProfilesMerged secondIntoFirst = merge(WS, first, second);
        ProfilesMerged firstIntoThird = merge(WS, third, first);

        // one poll, one chunk: the second merge needs the first one's effect
        ListenerPause.awaitAssigned(listeners, 3);
        ListenerPause.whilePaused(listeners, () -> client.writer().sendAll(Topics.MERGES, 0, List.of(
                ProfileEvents.record(secondIntoFirst), ProfileEvents.record(secondIntoFirst),
                ProfileEvents.record(firstIntoThird))));

        String token = client.token(WS);
        await().atMost(TIMEOUT).until(() -> processedMerges(secondIntoFirst, firstIntoThird) == 2);
        JsonNode viaSecond = body(api.get("/v1/profiles/" + second, token), 200);
        assertThat(viaSecond.path("id").asString()).as("issue 9: b → a → c").isEqualTo(third);
        assertThat(viaSecond.path("traits")).isEqualTo(ProfileEvents.object(
                "{\"city\":\"Paris\",\"plan\":\"team\"}"));
        assertThat(body(api.get("/v1/profiles/" + third + "/events", token), 200).path("items")).hasSize(3);
        ProfileChanged intoFirst = changeOf(secondIntoFirst, first);
        assertThat(intoFirst.traits()).containsOnlyKeys("city");
        ProfileChanged intoThird = changeOf(firstIntoThird, third);
        assertThat(intoThird.traits()).containsOnlyKeys("city");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = 'profile-merges' AND message_id = ?",
                Long.class, secondIntoFirst.id())).isEqualTo(1);
    }

    @Test
    void shouldPublishAMergeThatOutgrowsAKafkaRecordInPartsAndParkNothing() {
        String survivor = "s-" + UUID.randomUUID();
        String merged = "m-" + UUID.randomUUID();
        client.send(identify(WS, survivor, "s1-" + survivor, T, "{\"plan\":\"pro\"}"));
        // 40 traits of 30 KB each (an event's traits are at most 32 KB): 1.2 MB the survivor gains at the merge
        EventResolved[] big = new EventResolved[40];
        for (int i = 0; i < big.length; i++) {
            big[i] = identify(WS, merged, "m" + i + "-" + merged, T.plusSeconds(i),
                    "{\"note_" + i + "\":\"" + "x".repeat(30_000) + "\"}");
        }
        client.send(big);
        client.awaitEvents(WS, survivor, 1);
        client.awaitEvents(WS, merged, 40);
        long parkedBefore = parkedChanges();
        ProfilesMerged message = merge(WS, survivor, merged);

        client.send(message);

        UUID first = changeId(message, survivor);
        await().atMost(TIMEOUT).until(() -> processedMerges(message) == 1);
        assertThat(body(api.get("/v1/profiles/" + survivor, client.token(WS)), 200).path("traits").size())
                .as("plan and the 40 notes").isEqualTo(41);
        // every change published before the marker's, the merge's parts included (same outbox, same partition)
        List<ProfileChanged> parts = client.changesSoFar(WS, survivor).stream()
                .filter(c -> c.traits().keySet().stream().anyMatch(key -> key.startsWith("note_"))).toList();
        System.out.printf("merge of %d x 30 KB traits published in %d parts%n", big.length, parts.size());
        assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
        assertThat(parts).extracting(ProfileChanged::id).contains(first);
        assertThat(parts).allSatisfy(part -> assertThat(MessageCodec.toBytes(part).length).isLessThan(1_000_000));
        assertThat(parts.stream().mapToInt(part -> part.traits().size()).sum()).as("every trait in one part").isEqualTo(40);
        assertThat(parkedChanges()).as("no row parked by the outbox").isEqualTo(parkedBefore);
        assertThat(parts).extracting(ProfileChanged::version)
                .as("issue 15: the parts of the merge's change share its version, after the survivor's identify")
                .containsOnly(2L);
    }

    @Test
    void shouldDeadLetterAMergeThatNamesNoProfile() {
        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("profile"))) {
            ProfilesMerged empty = new ProfilesMerged(UUID.randomUUID(), WS, Instant.now(), "s-dead", List.of(), List.of(),
                    null, "user_id");
            client.writer().send(Topics.MERGES, empty.key(), MessageCodec.toJson(empty));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(r -> empty.key().equals(r.key()), 1, TIMEOUT);

            assertThat(dead).hasSize(1);
        }
        assertThat(api.get("/v1/profiles/s-dead", client.token(WS)).statusCode()).isEqualTo(404);
    }

    private long parkedChanges() {
        return jdbc.queryForObject("SELECT count(*) FROM outbox_parked", Long.class);
    }

    private long processedMerges(ProfilesMerged... merges) {
        long processed = 0;
        for (ProfilesMerged merge : merges) {
            processed += jdbc.queryForObject(
                    "SELECT count(*) FROM inbox WHERE consumer = 'profile-merges' AND message_id = ?", Long.class,
                    merge.id());
        }
        return processed;
    }

    /** The one ProfileChanged the merge published for the profile. */
    private ProfileChanged changeOf(ProfilesMerged message, String profileId) {
        UUID id = changeId(message, profileId);
        List<ProfileChanged> found = client.awaitChanges(WS, profileId, c -> c.id().equals(id));
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private static UUID changeId(ProfilesMerged message, String profileId) {
        return UUID.nameUUIDFromBytes(("profile-merged:" + message.id() + ":" + profileId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
