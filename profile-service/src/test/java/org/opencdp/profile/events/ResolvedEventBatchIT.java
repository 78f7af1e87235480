package org.opencdp.profile.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.profile.ProfileDriver.TIMEOUT;
import static org.opencdp.profile.ProfileDriver.header;
import static org.opencdp.profile.ProfileEvents.identify;
import static org.opencdp.profile.ProfileEvents.record;
import static org.opencdp.profile.ProfileEvents.track;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.KafkaConfiguration;
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
 * The batch path of the resolved-events consumer on real Kafka and PostgreSQL (issue 9): records
 * produced to one partition in one batch while the listener is paused reach it in one poll, and with
 * {@code cdp.kit.consumer.chunk-size=3} a poll is applied as chunks of three records, one
 * transaction each.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false",
                "cdp.kit.consumer.chunk-size=3", "cdp.kit.kafka.max-retry-time=1s",
                "cdp.profile.computed-traits.backfill-interval=200ms"})
class ResolvedEventBatchIT {

    private static final String ORDER = "Order Completed";
    /** Recent, so windows and retention leave the events alone. */
    private static final Instant T = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

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
        ListenerPause.awaitAssigned(listeners, 3);
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void shouldApplyAKafkaMessageOnceWhenItComesTwiceInOneChunk() {
        String ws = "ws_batch_twice";
        String profileId = profile();
        EventResolved message = identify(ws, profileId, "m-twice", T, "{\"plan\":\"pro\"}");
        EventResolved other = identify(ws, profileId, "m-other", T.plusSeconds(1), "{\"city\":\"Paris\"}");

        sendInOneChunk(List.of(record(message), record(message), record(other)));

        client.awaitEvents(ws, profileId, 2);
        List<ProfileChanged> published = client.changesSoFar(ws, profileId);
        assertThat(published).extracting(change -> change.traits().keySet())
                .as("issue 9: one change per distinct message").containsExactly(java.util.Set.of("plan"),
                        java.util.Set.of("city"));
        assertThat(storedEvents(ws, "m-twice")).isEqualTo(1);
        assertThat(inboxRows("profile-events", message.id())).isEqualTo(1);
    }

    @Test
    void shouldCountAMessageIdOnceWhenItComesUnderDifferentMessageIdsInOneChunk() {
        String ws = "ws_batch_same_message_id";
        String writer = infrastructure.token(ws, "profiles:write");
        createTrait(writer, "orders", "\"aggregation\":\"count\"");
        createTrait(writer, "revenue", "\"aggregation\":\"sum\",\"property\":\"total\"");
        awaitReady(ws, "orders", "revenue");
        String profileId = profile();
        EventResolved first = withContextTraits(track(ws, profileId, "m-dup", T, ORDER, "{\"total\":10}"),
                "{\"plan\":\"pro\"}");
        EventResolved retried = withContextTraits(track(ws, profileId, "m-dup", T.plusSeconds(5), ORDER,
                "{\"total\":99}"), "{\"plan\":\"team\"}");
        EventResolved next = track(ws, profileId, "m-next", T.plusSeconds(9), ORDER, "{\"total\":5}");
        assertThat(first.id()).isNotEqualTo(retried.id());

        sendInOneChunk(List.of(record(first), record(retried), record(next)));

        client.awaitEvents(ws, profileId, 2);
        await().atMost(TIMEOUT).until(() -> computed(ws, profileId, "orders") != null
                && computed(ws, profileId, "orders").asLong() == 2);
        assertThat(storedEvents(ws, "m-dup")).as("issue 9: the first of the chunk wins").isEqualTo(1);
        assertThat(computed(ws, profileId, "revenue").decimalValue()).isEqualByComparingTo("15");
        JsonNode profile = body(api.get("/v1/profiles/" + profileId, client.token(ws)), 200);
        assertThat(profile.path("traits").path("plan").asString()).isEqualTo("pro");
        List<ProfileChanged> published = client.changesSoFar(ws, profileId);
        assertThat(published).hasSize(2);
        assertThat(published.get(0).traits().get("plan").asString()).isEqualTo("pro");
        assertThat(published.get(0).computedTraits().get("orders").asLong()).isEqualTo(1);
        assertThat(published.get(1).computedTraits().get("orders").asLong()).isEqualTo(2);
        assertThat(published.get(1).computedTraits().get("revenue").decimalValue()).isEqualByComparingTo("15");
    }

    @Test
    void shouldDeadLetterPoisonRecordsInTheMiddleOfAChunkAndApplyEveryOtherRecordOnce() {
        String ws = "ws_batch_poison";
        String profileId = profile();
        List<EventResolved> fine = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            fine.add(identify(ws, profileId, "m-ok" + i, T.plusSeconds(i), "{\"trait" + i + "\":" + i + "}"));
        }
        EventResolved unstorable = identify(ws, profileId, "m-nul", T, "{\"name\":\"A\\u0000da\"}");

        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("profile"))) {
            // chunks of three: [ok1] then the unreadable record; [ok2, nul, ok3] fails and is retried one by one
            sendInOneChunk(List.of(record(fine.get(0)), Map.entry(ws + ":not-json", "{\"id\": \"oops\""),
                    record(fine.get(1)), Map.entry(ws + ":nul", MessageCodec.toJson(unstorable)),
                    record(fine.get(2)), record(fine.get(3))));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(
                    r -> r.key() != null && r.key().startsWith(ws + ":"), 2, TIMEOUT);
            assertThat(dead).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder(ws + ":not-json", ws + ":nul");
            assertThat(dead).allSatisfy(r -> assertThat(header(r, KafkaConfiguration.DLT_REASON))
                    .isEqualTo("permanent"));
            String reason = header(dead.stream().filter(r -> r.key().endsWith(":nul")).findFirst().orElseThrow(),
                    KafkaConfiguration.DLT_ERROR);
            assertThat(reason).as("issue 9: the event is named").contains("Event m-nul cannot be stored")
                    .contains("Unicode escape");
        }
        client.awaitEvents(ws, profileId, 4);
        List<ProfileChanged> published = client.changesSoFar(ws, profileId);
        assertThat(published).extracting(change -> change.traits().keySet().iterator().next())
                .containsExactly("trait1", "trait2", "trait3", "trait4");
        for (EventResolved event : fine) {
            assertThat(storedEvents(ws, event.event().messageId())).isEqualTo(1);
            assertThat(inboxRows("profile-events", event.id())).isEqualTo(1);
        }
        assertThat(storedEvents(ws, "m-nul")).isZero();
    }

    @Test
    void shouldApplyEachProfilesEventsInOrderAcrossChunks() {
        String ws = "ws_batch_order";
        String writer = infrastructure.token(ws, "profiles:write");
        createTrait(writer, "last_plan", "\"aggregation\":\"last\",\"property\":\"plan\"");
        awaitReady(ws, "last_plan");
        String first = profile();
        String second = profile();
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            records.add(record(identify(ws, first, "a" + i, T.plusSeconds(i), "{\"plan\":\"v" + i + "\"}")));
            records.add(record(track(ws, second, "b" + i, T.plusSeconds(i), ORDER, "{\"plan\":\"v" + i + "\"}")));
        }

        sendInOneChunk(records);

        client.awaitEvents(ws, first, 7);
        client.awaitEvents(ws, second, 7);
        List<ProfileChanged> ofFirst = client.changesSoFar(ws, first);
        assertThat(ofFirst).as("issue 9: every event a change, in order")
                .extracting(change -> change.traits().get("plan").asString())
                .containsExactly("v1", "v2", "v3", "v4", "v5", "v6", "v7");
        assertThat(ofFirst).extracting(ProfileChanged::version)
                .as("issue 15: numbered 1..n in commit order across the chunks, no gap, no repeat")
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(changeVersion(ws, first)).as("the 7 changes and the marker's").isEqualTo(8);
        List<ProfileChanged> ofSecond = client.changesSoFar(ws, second);
        assertThat(ofSecond).extracting(change -> change.computedTraits().get("last_plan").asString())
                .containsExactly("v1", "v2", "v3", "v4", "v5", "v6", "v7");
        assertThat(ofSecond).extracting(ProfileChanged::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(body(api.get("/v1/profiles/" + first, client.token(ws)), 200).path("traits").path("plan").asString())
                .isEqualTo("v7");
    }

    /** Sends the records to one partition in one batch while the listeners are paused: one poll. */
    private void sendInOneChunk(List<Map.Entry<String, String>> records) {
        ListenerPause.whilePaused(listeners, () -> client.writer().sendAll(Topics.RESOLVED_EVENTS, 0, records));
    }

    private static EventResolved withContextTraits(EventResolved message, String traitsJson) {
        message.event().context().set("traits", ProfileEvents.object(traitsJson));
        return message;
    }

    private void createTrait(String token, String key, String definition) {
        assertThat(api.post("/v1/computed-traits", token, "{\"key\":\"" + key + "\"," + definition
                + ",\"event\":\"" + ORDER + "\"}").statusCode()).isEqualTo(201);
    }

    private void awaitReady(String ws, String... keys) {
        await().atMost(TIMEOUT).until(() -> List.of(keys).stream().allMatch(key -> "ready".equals(
                body(api.get("/v1/computed-traits/" + key, client.token(ws)), 200).path("status").asString())));
    }

    private JsonNode computed(String ws, String profileId, String key) {
        return body(api.get("/v1/profiles/" + profileId, client.token(ws)), 200).path("computedTraits").get(key);
    }

    private long storedEvents(String ws, String messageId) {
        return jdbc.queryForObject("SELECT count(*) FROM events WHERE workspace_id = ? AND message_id = ?",
                Long.class, ws, messageId);
    }

    private long changeVersion(String ws, String profileId) {
        return jdbc.queryForObject("SELECT change_version FROM profiles WHERE workspace_id = ? AND id = ?", Long.class,
                ws, profileId);
    }

    private long inboxRows(String consumer, UUID messageId) {
        return jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = ? AND message_id = ?", Long.class,
                consumer, messageId);
    }

    private static String profile() {
        return "p-" + UUID.randomUUID();
    }
}
