package org.opencdp.profile.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.profile.ProfileDriver.TIMEOUT;
import static org.opencdp.profile.ProfileEvents.merge;
import static org.opencdp.profile.ProfileEvents.personEvent;
import static org.opencdp.profile.ProfileEvents.resolved;
import static org.opencdp.profile.ProfileEvents.track;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.PrivacyCommandIssued.Command;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.security.Scopes;
import org.opencdp.profile.ProfileDriver;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.profile.retention.PartitionMaintenance;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: profile-service's part in privacy requests, on real Kafka and PostgreSQL. An erase
 * removes everything profile holds on the person (events in every partition, their keys, traits with
 * provenance, computed traits, identifiers, merge links), their ids and identifiers answer 404, late
 * events for them are dropped, and it is acknowledged on {@code cdp.privacy.acks.v1}; an export lists
 * what profile holds, newest events first, within its byte budget; a command run again acknowledges
 * again with nothing left, one delivered twice is applied once; another workspace's profiles with the
 * same ids are never touched. The export budget is small here so one test can overflow it.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false",
                "cdp.profile.privacy.export-max-bytes=20000"})
class PrivacyCommandsIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final String ORDER = "Order Completed";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PartitionMaintenance maintenance;

    @Autowired
    ErasedProfilePruner pruner;

    private ProfileDriver client;
    private ApiClient api;
    private TopicReader acks;

    @BeforeEach
    void connect() {
        client = new ProfileDriver(infrastructure, port);
        api = client.api();
        acks = infrastructure.read(Topics.PRIVACY_ACKS);
    }

    @AfterEach
    void disconnect() {
        acks.close();
        client.close();
    }

    @Test
    void shouldEraseEverythingProfileHoldsOnThePersonAndNothingOfAnotherWorkspace() {
        maintenance.run(NOW, 1); // monthly partitions: the person's events land in two of them and the default one
        String ws = Workspaces.fresh();
        String other = Workspaces.fresh();
        String survivor = "p-" + UUID.randomUUID();
        String merged = "p-" + UUID.randomUUID();
        for (String workspace : List.of(ws, other)) { // the same profile ids and identifiers in both
            person(workspace, survivor, merged);
        }
        String stranger = "p-" + UUID.randomUUID(); // someone else in the same workspace
        client.send(track(ws, stranger, "order-" + stranger, NOW.minus(1, ChronoUnit.DAYS), ORDER, "{}"));
        client.awaitEvents(ws, stranger, 1);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT tableoid) FROM events WHERE workspace_id = ?",
                Integer.class, ws)).as("partitions holding the person's events").isEqualTo(3);

        UUID requestId = UUID.randomUUID();
        client.send(command(ws, requestId, Command.ERASE, List.of(survivor, merged),
                List.of(new Identifier("email", " ADA@Example.com "))));

        PrivacyCommandAcknowledged ack = awaitAck(ws, requestId, 1).getFirst();
        assertThat(ack.service()).isEqualTo("profile");
        assertThat(ack.outcome()).isEqualTo(PrivacyCommandAcknowledged.Outcome.DONE);
        assertThat(ack.detail()).contains("Erased 2 profile(s)").contains("5 event(s)");
        assertThat(ack.export()).isNull();

        String token = client.token(ws);
        for (String id : List.of(survivor, merged)) {
            assertProblem(api.get("/v1/profiles/" + id, token), 404, "profile_not_found");
            assertProblem(api.get("/v1/profiles/" + id + "/traits", token), 404, "profile_not_found");
            assertProblem(api.get("/v1/profiles/" + id + "/events", token), 404, "profile_not_found");
        }
        for (String lookup : List.of("email&value=ada%40example.com", "user_id&value=u-" + survivor,
                "anonymous_id&value=anon-" + merged)) {
            assertProblem(api.get("/v1/profiles/lookup?type=" + lookup, token), 404, "profile_not_found");
        }
        assertNothingLeft(ws, stranger);
        assertThat(jdbc.queryForList("""
                SELECT id FROM profiles WHERE workspace_id = ? AND erased_at IS NOT NULL AND merged_into IS NULL
                ORDER BY id""", String.class, ws)).as("tombstones only").containsExactlyInAnyOrder(survivor, merged);
        assertThat(body(api.get("/v1/computed-traits/orders", client.token(ws)), 200).path("key").asString())
                .as("the workspace's definitions are not the person's").isEqualTo("orders");

        // events still in flight for the erased ids are dropped, not stored for a new profile
        RecordMetadata late = client.writer().send(track(ws, survivor, "late-" + survivor, NOW, ORDER, "{}"));
        RecordMetadata lateMerged = client.writer().send(track(ws, merged, "late-" + merged, NOW, ORDER, "{}"));
        awaitConsumed("profile-events", Topics.RESOLVED_EVENTS, late);
        awaitConsumed("profile-events", Topics.RESOLVED_EVENTS, lateMerged);
        assertProblem(api.get("/v1/profiles/" + survivor, token), 404, "profile_not_found");
        assertProblem(api.get("/v1/profiles/" + merged, token), 404, "profile_not_found");
        assertNothingLeft(ws, stranger);

        // a merge still naming them: none into an erased profile, and an erased one is never merged
        RecordMetadata into = client.writer().send(merge(ws, survivor, stranger));
        RecordMetadata from = client.writer().send(merge(ws, stranger, merged));
        awaitConsumed("profile-merges", Topics.MERGES, into);
        awaitConsumed("profile-merges", Topics.MERGES, from);
        assertProblem(api.get("/v1/profiles/" + survivor, token), 404, "profile_not_found");
        assertProblem(api.get("/v1/profiles/" + merged, token), 404, "profile_not_found");
        JsonNode strangerNow = body(api.get("/v1/profiles/" + stranger, token), 200);
        assertThat(strangerNow.path("id").asString()).isEqualTo(stranger);
        assertThat(strangerNow.path("mergedFrom")).isEmpty();
        assertThat(client.awaitEvents(ws, stranger, 1)).hasSize(1);
        assertNothingLeft(ws, stranger);

        // the other workspace's profiles with the same ids and identifiers are all there
        String otherToken = client.token(other);
        JsonNode kept = body(api.get("/v1/profiles/" + survivor, otherToken), 200);
        assertThat(kept.path("traits").path("plan").asString()).isEqualTo("pro");
        assertThat(kept.path("computedTraits").path("orders").asInt()).isEqualTo(2);
        assertThat(kept.path("mergedFrom").toString()).contains(merged);
        assertThat(client.awaitEvents(other, survivor, 5)).hasSize(5);
        assertThat(body(api.get("/v1/profiles/lookup?type=email&value=ada%40example.com", otherToken), 200)
                .path("id").asString()).isEqualTo(survivor);
    }

    @Test
    void shouldExportWhatProfileHoldsOnThePersonFoundByAnIdentifier() {
        String ws = Workspaces.fresh();
        String other = Workspaces.fresh();
        String survivor = "p-" + UUID.randomUUID();
        String merged = "p-" + UUID.randomUUID();
        person(ws, survivor, merged);
        person(other, survivor, merged);

        UUID requestId = UUID.randomUUID();
        client.send(command(ws, requestId, Command.EXPORT, List.of(), List.of(new Identifier("user_id", "u-" + survivor))));

        PrivacyCommandAcknowledged ack = awaitAck(ws, requestId, 1).getFirst();
        assertThat(ack.outcome()).isEqualTo(PrivacyCommandAcknowledged.Outcome.DONE);
        JsonNode export = ack.export();
        assertThat(export.path("truncated").asBoolean()).isFalse();
        assertThat(values(export.path("profiles"), "id")).containsExactlyInAnyOrder(survivor, merged);
        assertThat(values(export.path("identifiers"), "value"))
                .contains("ada@example.com", "u-" + survivor, "anon-" + merged);
        assertThat(values(export.path("identifiers"), "profileId")).containsOnly(survivor);
        JsonNode plan = find(export.path("traits"), "key", "plan");
        assertThat(plan.path("value").asString()).isEqualTo("pro");
        assertThat(plan.path("messageId").asString()).isEqualTo("identify-" + survivor);
        assertThat(plan.path("sourceId").asString()).isEqualTo("src_web");
        assertThat(plan.path("observedAt").asString()).isNotBlank();
        assertThat(find(export.path("computedTraits"), "key", "orders").path("value").asInt()).isEqualTo(2);
        List<String> occurredAt = values(export.path("events"), "occurredAt");
        assertThat(occurredAt).hasSize(5);
        assertThat(occurredAt).isSortedAccordingTo((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));
        assertThat(export.path("events").get(0).path("event").path("messageId").asString())
                .as("newest first").isEqualTo("future-" + survivor);
        assertThat(export.path("counts").path("events").path("total").asInt()).isEqualTo(5);
        assertThat(export.path("counts").path("events").path("exported").asInt()).isEqualTo(5);
        assertThat(body(api.get("/v1/profiles/" + survivor, client.token(ws)), 200).path("id").asString())
                .as("an export changes nothing").isEqualTo(survivor);

        // more than the budget (20,000 bytes here): the newest events that fit, counted, marked truncated
        String big = "p-" + UUID.randomUUID();
        List<CdpMessage> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            events.add(track(ws, big, "big-" + i, NOW.minusSeconds(600 - i), ORDER,
                    "{\"note\":\"" + "x".repeat(1_000) + "\"}"));
        }
        client.send(events.toArray(CdpMessage[]::new));
        client.awaitEvents(ws, big, 60);
        UUID bigRequest = UUID.randomUUID();
        client.send(command(ws, bigRequest, Command.EXPORT, List.of(big), List.of()));

        PrivacyCommandAcknowledged cut = awaitAck(ws, bigRequest, 1).getFirst();
        JsonNode bounded = cut.export();
        assertThat(bounded.path("truncated").asBoolean()).isTrue();
        assertThat(MessageCodec.mapper().writeValueAsBytes(bounded).length).isLessThanOrEqualTo(20_000);
        int exported = bounded.path("counts").path("events").path("exported").asInt();
        assertThat(exported).isBetween(1, 59).isEqualTo(bounded.path("events").size());
        assertThat(bounded.path("counts").path("events").path("total").asInt()).isEqualTo(60);
        assertThat(bounded.path("events").get(0).path("messageId").asString()).as("the newest").isEqualTo("big-59");
        assertThat(cut.detail()).contains(exported + " of 60 event(s)");
    }

    @Test
    void shouldAcknowledgeARepeatedEraseWithNothingLeftAndApplyARedeliveredCommandOnce() {
        String ws = Workspaces.fresh();
        String survivor = "p-" + UUID.randomUUID();
        String merged = "p-" + UUID.randomUUID();
        person(ws, survivor, merged);
        UUID requestId = UUID.randomUUID();
        // named by its merged-away id only: the survivor that holds its data is the same person
        PrivacyCommandIssued first = command(ws, requestId, Command.ERASE, List.of(merged), List.of());

        client.send(first);
        assertThat(awaitAck(ws, requestId, 1).getFirst().detail()).contains("Erased 2 profile(s)");
        assertProblem(api.get("/v1/profiles/" + survivor, client.token(ws)), 404, "profile_not_found");

        client.send(command(ws, requestId, Command.ERASE, List.of(merged), List.of()));
        List<PrivacyCommandAcknowledged> twice = awaitAck(ws, requestId, 2);
        assertThat(twice.get(1).outcome()).isEqualTo(PrivacyCommandAcknowledged.Outcome.DONE);
        assertThat(twice.get(1).detail()).contains("nothing left to erase");

        // tombstones are forgotten after the retention (45 days), not before
        jdbc.update("UPDATE profiles SET erased_at = now() - interval '46 days' WHERE workspace_id = ? AND id = ?",
                ws, merged);
        pruner.runRound();
        assertThat(jdbc.queryForList("SELECT id FROM profiles WHERE workspace_id = ?", String.class, ws))
                .containsExactly(survivor);

        // the same message again (an outbox relay re-publishing it): applied once, acknowledged once
        RecordMetadata again = client.writer().send(first);
        awaitConsumed(PrivacyCommandService.CONSUMER, Topics.PRIVACY_COMMANDS, again);
        assertThat(acks.drain(r -> r.key().equals(Topics.key(ws, requestId.toString())), Duration.ofSeconds(2)))
                .hasSize(2);

        // a command profile cannot read but can answer is acknowledged FAILED with the reason
        UUID unknownRequest = UUID.randomUUID();
        String unknown = MessageCodec.toJson(command(ws, unknownRequest, Command.EXPORT, List.of(survivor), List.of()))
                .replace("\"EXPORT\"", "\"FORGET\"");
        client.writer().send(Topics.PRIVACY_COMMANDS, Topics.key(ws, unknownRequest.toString()), unknown);
        PrivacyCommandAcknowledged failed = awaitAck(ws, unknownRequest, 1).getFirst();
        assertThat(failed.outcome()).isEqualTo(PrivacyCommandAcknowledged.Outcome.FAILED);
        assertThat(failed.detail()).isNotBlank();
    }

    /**
     * A person as identity publishes them: a profile with an identify (traits, e-mail, user id), two
     * orders (a computed trait counts them) and an event far in the future (the default partition),
     * and a second profile with its own identify and order, merged into the first.
     */
    private void person(String ws, String survivor, String merged) {
        String writer = infrastructure.token(ws, Scopes.PROFILES_WRITE);
        assertThat(api.post("/v1/computed-traits", writer,
                "{\"key\":\"orders\",\"aggregation\":\"count\",\"event\":\"" + ORDER + "\"}").statusCode()).isEqualTo(201);
        client.send(resolved(ws, merged, personEvent(EventType.identify, "identify-" + merged, null, "anon-" + merged,
                        NOW.minus(40, ChronoUnit.DAYS), "{\"plan\":\"free\"}", null)),
                track(ws, merged, "order-" + merged, NOW.minus(40, ChronoUnit.DAYS), ORDER, "{\"total\":10}"),
                resolved(ws, survivor, personEvent(EventType.identify, "identify-" + survivor, "u-" + survivor, null,
                        NOW.minus(2, ChronoUnit.DAYS), "{\"plan\":\"pro\",\"email\":\"Ada@Example.com\"}", null)),
                track(ws, survivor, "order-" + survivor, NOW.minus(2, ChronoUnit.DAYS), ORDER, "{\"total\":20}"),
                track(ws, survivor, "future-" + survivor, NOW.plus(730, ChronoUnit.DAYS), "Viewed", "{}"));
        client.awaitEvents(ws, merged, 2);
        client.awaitEvents(ws, survivor, 3);
        client.send(merge(ws, survivor, merged));
        String token = client.token(ws);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            JsonNode profile = body(api.get("/v1/profiles/" + survivor, token), 200);
            assertThat(profile.path("mergedFrom").toString()).contains(merged);
            assertThat(profile.path("computedTraits").path("orders").asInt()).isEqualTo(2);
        });
    }

    /** Nothing of the erased person is left in the workspace: only {@code stranger}'s rows and the tombstones. */
    private void assertNothingLeft(String ws, String stranger) {
        for (String table : List.of("events", "traits", "computed_traits", "profile_identifiers")) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE workspace_id = ? AND profile_id <> ?",
                    Long.class, ws, stranger)).as(table).isZero();
        }
        assertThat(jdbc.queryForList("SELECT message_id FROM event_keys WHERE workspace_id = ?", String.class, ws))
                .as("event_keys").containsExactly("order-" + stranger);
    }

    private static PrivacyCommandIssued command(String ws, UUID requestId, Command command, List<String> profileIds,
                                                List<Identifier> identifiers) {
        return new PrivacyCommandIssued(UUID.randomUUID(), ws, Instant.now(), requestId, command, profileIds,
                identifiers, false);
    }

    /** Waits for {@code count} acknowledgements of the request by profile; returns them in order. */
    private List<PrivacyCommandAcknowledged> awaitAck(String ws, UUID requestId, int count) {
        String key = Topics.key(ws, requestId.toString());
        List<PrivacyCommandAcknowledged> found = acks.await(r -> key.equals(r.key()), count, TIMEOUT).stream()
                .map(ConsumerRecord::value).map(v -> MessageCodec.read(v, PrivacyCommandAcknowledged.class)).toList();
        assertThat(found).as("acknowledgements of " + requestId).hasSize(count);
        assertThat(found).allSatisfy(ack -> {
            assertThat(ack.service()).isEqualTo("profile");
            assertThat(ack.workspaceId()).isEqualTo(ws);
        });
        return found;
    }

    /** Waits until the consumer has applied (or dropped) the record {@code sent}. */
    private void awaitConsumed(String consumer, String topic, RecordMetadata sent) {
        await().atMost(TIMEOUT).until(() -> jdbc.queryForList("""
                        SELECT next_offset FROM consumed_offset WHERE consumer = ? AND topic = ? AND partition = ?""",
                Long.class, consumer, topic, sent.partition()).stream().anyMatch(next -> next > sent.offset()));
    }

    private static List<String> values(JsonNode items, String member) {
        List<String> values = new ArrayList<>();
        items.forEach(item -> values.add(item.path(member).asString()));
        return values;
    }

    private static JsonNode find(JsonNode items, String member, String value) {
        for (JsonNode item : items) {
            if (value.equals(item.path(member).asString())) {
                return item;
            }
        }
        throw new AssertionError("No item with " + member + " = " + value + " in " + items);
    }
}
