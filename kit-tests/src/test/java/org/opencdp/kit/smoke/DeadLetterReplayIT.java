package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.deadletter.DeadLetterReplayer;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15: a service's dead letters are replayed to their topic, by id or by time, for the caller's
 * workspace only, once the cause is fixed; and the dead-letter topic keeps them 30 days.
 */
@CdpIntegrationTest
@SpringBootTest(classes = KitSmokeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=kit-smoke")
class DeadLetterReplayIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DEAD_LETTERS = Topics.deadLetters("kit-smoke");
    private static final String REPLAY = "/v1/admin/dead-letters/replay";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void shouldReplayTheWorkspacesDeadLettersByIdOnceTheCauseIsFixed() {
        ConsentChanged mine = message("ws_replay", "long-1-" + "x".repeat(80));
        ConsentChanged mineToo = message("ws_replay", "long-2-" + "x".repeat(80));
        ConsentChanged theirs = message("ws_other", "long-3-" + "x".repeat(80));
        String token = infrastructure.token("ws_replay", Scopes.DEAD_LETTERS_WRITE);

        try (TopicReader deadLetters = infrastructure.read(DEAD_LETTERS);
             TopicReader changes = infrastructure.read(Topics.CONSENT_CHANGES)) {
            send(List.of(mine, mineToo, theirs));
            assertThat(deadLetters.await(r -> List.of(mine.key(), mineToo.key(), theirs.key()).contains(r.key()), 3,
                    TIMEOUT)).hasSize(3);
            // the fix: the rule the messages broke goes
            jdbc.execute("ALTER TABLE consumed DROP CONSTRAINT consumed_profile_id_length");

            // another workspace's id is not replayed, as if it did not exist
            JsonNode answer = ApiClient.body(api().post(REPLAY, token, Map.of(
                    "ids", List.of(mine.id(), theirs.id()))), 200);

            assertThat(answer.path("replayed").asInt()).isEqualTo(1);
            assertThat(answer.path("deadLetters").get(0).path("id").asString()).isEqualTo(mine.id().toString());
            assertThat(answer.path("deadLetters").get(0).path("topic").asString()).isEqualTo(Topics.CONSENT_CHANGES);
            await().atMost(TIMEOUT).until(() -> count(mine.profileId()) == 1);
            ConsumerRecord<String, String> replayed = changes.await(r -> mine.key().equals(r.key())
                    && TopicReader.header(r, DeadLetterReplayer.REPLAYED_FROM) != null, 1, TIMEOUT).getFirst();
            assertThat(TopicReader.header(replayed, DeadLetterReplayer.REPLAYED_FROM)).startsWith(DEAD_LETTERS + "-0@");
            assertThat(TopicReader.header(replayed, CloudEventHeaders.ID)).as("original headers kept")
                    .isEqualTo(mine.id().toString());
            assertThat(TopicReader.header(replayed, CloudEventHeaders.SOURCE)).isEqualTo("/opencdp/test");
            assertThat(TopicReader.header(replayed, KafkaConfiguration.DLT_REASON)).isNull();
            assertThat(count(mineToo.profileId())).as("not asked for").isZero();
            assertThat(count(theirs.profileId())).as("another workspace's").isZero();

            // replayed again: the consumer's inbox applies it once
            ApiClient.body(api().post(REPLAY, token, Map.of("ids", List.of(mine.id()))), 200);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> count(mine.profileId()) == 1);
        }
    }

    @Test
    void shouldReplayByTheTimeTheRecordsWereDeadLettered() {
        Instant before = Instant.now().minusSeconds(1);
        ConsentChanged poison = message("ws_range", "poison");
        String token = infrastructure.token("ws_range", Scopes.DEAD_LETTERS_WRITE);

        try (TopicReader deadLetters = infrastructure.read(DEAD_LETTERS)) {
            send(List.of(poison));
            assertThat(deadLetters.await(r -> poison.key().equals(r.key()), 1, TIMEOUT)).hasSize(1);

            JsonNode later = ApiClient.body(api().post(REPLAY, token, Map.of(
                    "from", Instant.now().plusSeconds(60).toString())), 200);
            assertThat(later.path("replayed").asInt()).isZero();

            JsonNode inRange = ApiClient.body(api().post(REPLAY, token, Map.of(
                    "from", before.toString(), "to", Instant.now().plusSeconds(1).toString())), 200);
            assertThat(inRange.path("replayed").asInt()).isEqualTo(1);
            assertThat(inRange.path("deadLetters").get(0).path("id").asString()).isEqualTo(poison.id().toString());

            // still poison: dead-lettered again, marked as a replay's
            var again = deadLetters.await(r -> poison.key().equals(r.key()), 2, TIMEOUT);
            assertThat(again).hasSize(2);
            assertThat(TopicReader.header(again.get(1), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
        }
    }

    @Test
    void shouldRefuseAReplayWithoutTheScopeOrASelection() {
        String token = infrastructure.token("ws_refused", Scopes.DEAD_LETTERS_WRITE);
        String id = UUID.randomUUID().toString();

        ApiClient.assertProblem(api().post(REPLAY, infrastructure.token("ws_refused", Scopes.PROFILES_WRITE),
                Map.of("ids", List.of(id))), 403, "missing_scope");
        assertInvalidField(api().post(REPLAY, token, "{}"), "", "give ids or a time range (from, to)");
        assertInvalidField(api().post(REPLAY, token, Map.of("ids", List.of(id),
                "from", Instant.now().toString())), "/ids", "give ids or a time range (from, to), not both");
        assertInvalidField(api().post(REPLAY, token, Map.of("ids", List.of())), "/ids",
                "must not be empty");
        assertInvalidField(api().post(REPLAY, token, Map.of(
                "from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z")), "/to", "must not be before from");
        ApiClient.assertProblem(api().post(REPLAY, token, Map.of("ids", List.of("not-a-uuid"))), 400,
                "malformed_body");
    }

    @Test
    void shouldKeepDeadLettersThirtyDays() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.bootstrapServers()))) {
            var topic = new ConfigResource(ConfigResource.Type.TOPIC, DEAD_LETTERS);
            var config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value())
                    .isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
        }
    }

    /** The validation problem with this message at {@code pointer}. */
    private static void assertInvalidField(HttpResponse<String> response, String pointer, String message) {
        JsonNode problem = ApiClient.assertInvalidField(response, pointer);
        assertThat(problem.path("errors").valueStream()
                .map(error -> error.path("pointer").asString() + " " + error.path("message").asString()))
                .contains(pointer + " " + message);
    }

    private ApiClient api() {
        return ApiClient.onPort(port);
    }

    /** Publishes {@code messages} as an outbox relay does: with their CloudEvents headers. */
    private void send(List<ConsentChanged> messages) {
        try (TopicWriter writer = infrastructure.writer()) {
            writer.sendAllRecords(messages.stream().map(message -> {
                var record = new ProducerRecord<>(message.topic(), message.key(), MessageCodec.toJson(message));
                CloudEventHeaders.of(message, "/opencdp/test").forEach(record.headers()::add);
                return record;
            }).toList());
        }
    }

    private long count(String profileId) {
        Long value = jdbc.queryForObject("SELECT count(*) FROM consumed WHERE profile_id = ?", Long.class, profileId);
        return value == null ? 0 : value;
    }

    private static ConsentChanged message(String workspace, String profileId) {
        return new ConsentChanged(UUID.randomUUID(), workspace, Instant.now(), profileId, Map.of("marketing", true));
    }
}
