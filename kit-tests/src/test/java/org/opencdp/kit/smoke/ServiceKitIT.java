package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.inbox.InboxPruner;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.security.ServiceCredentials;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@SpringBootTest(classes = KitSmokeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=kit-smoke")
class ServiceKitIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Inbox inbox;

    @Autowired
    InboxPruner inboxPruner;

    @Autowired
    Outbox outbox;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void shouldPublishTheOutboxMessageWithCloudEventHeadersAndConsumeItExactlyOnce() {
        String token = infrastructure.token("ws_a", "notes:write");

        HttpResponse<String> created = api().post("/v1/notes", token, "{\"id\":\"n1\",\"text\":\"hello\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var records = reader.await(r -> r.key().equals("ws_a:n1"), 1, Duration.ofSeconds(30));
            assertThat(records).hasSize(1);
            var record = records.getFirst();
            assertThat(header(record.headers(), CloudEventHeaders.TYPE)).isEqualTo("cdp.consent.consent-changed");
            assertThat(header(record.headers(), CloudEventHeaders.SOURCE)).isEqualTo("/opencdp/kit-smoke");
            assertThat(header(record.headers(), CloudEventHeaders.SUBJECT)).isEqualTo("n1");
            ConsentChanged message = MessageCodec.read(record.value(), ConsentChanged.class);
            assertThat(header(record.headers(), CloudEventHeaders.ID)).isEqualTo(message.id().toString());

            // the same message delivered a second time changes nothing
            try (TopicWriter writer = infrastructure.writer()) {
                writer.send(Topics.CONSENT_CHANGES, record.key(), record.value());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM consumed WHERE profile_id = 'n1'") >= 1);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> count("SELECT count(*) FROM consumed WHERE profile_id = 'n1'") == 1);
        }
        assertThat(count("SELECT count(*) FROM outbox")).isZero();
    }

    @Test
    void shouldForgetProcessedMessagesOnlyAfterTheInboxRetention() {
        UUID expired = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        String processedMinutesAgo = "INSERT INTO inbox (consumer, message_id, processed_at) "
                + "VALUES ('pruned', ?, now() - make_interval(mins => ?))";
        jdbc.update(processedMinutesAgo, expired, 70);
        jdbc.update(processedMinutesAgo, recent, 50);

        int deleted = inboxPruner.prune();

        assertThat(deleted).isPositive();
        assertThat(jdbc.queryForList("SELECT message_id FROM inbox WHERE consumer = 'pruned'", UUID.class))
                .containsExactly(recent);
        Set<UUID> redelivered = new TransactionTemplate(transactionManager).execute(status ->
                inbox.firstDeliveries("pruned", List.of(expired, recent)));
        assertThat(redelivered).as("an id forgotten after the retention counts as new again").containsExactly(expired);
    }

    @Test
    void shouldMeasureTheInboxRetentionBehindTheConsumersOwnLatestChunk() {
        // issue 9: a consumer that stood still for two days still remembers its last hour of work
        jdbc.update("""
                INSERT INTO consumed_offset (consumer, topic, partition, cluster_id, next_offset, consumed_at)
                VALUES ('idle', 't', 0, 'c', 10, now() - interval '2 days')""");
        UUID beforeItsWindow = UUID.randomUUID();
        UUID insideItsWindow = UUID.randomUUID();
        String processed = "INSERT INTO inbox (consumer, message_id, processed_at) "
                + "VALUES ('idle', ?, now() - interval '2 days' - make_interval(mins => ?))";
        jdbc.update(processed, beforeItsWindow, 70);
        jdbc.update(processed, insideItsWindow, 50);

        inboxPruner.prune();

        assertThat(jdbc.queryForList("SELECT message_id FROM inbox WHERE consumer = 'idle'", UUID.class))
                .containsExactly(insideItsWindow);
    }

    @Test
    void shouldRecordABatchOfDeliveriesOnceAndPublishABatchInOrder() {
        var transactions = new TransactionTemplate(transactionManager);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID());

        Set<UUID> first = transactions.execute(status ->
                inbox.firstDeliveries("batch-consumer", List.of(ids.get(0), ids.get(0), ids.get(1))));
        Set<UUID> again = transactions.execute(status -> inbox.firstDeliveries("batch-consumer", ids));

        assertThat(first).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(again).isEmpty();

        List<ConsentChanged> messages = IntStream.range(0, 5).mapToObj(i -> new ConsentChanged(UUID.randomUUID(),
                "ws_batch", Instant.now(), "p_ordered", Map.of("purpose_" + i, true))).toList();
        transactions.executeWithoutResult(status -> outbox.appendAll(messages));
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var records = reader.await(r -> r.key().equals("ws_batch:p_ordered"), 5, Duration.ofSeconds(30));
            assertThat(records).extracting(r -> MessageCodec.read(r.value(), ConsentChanged.class).id())
                    .containsExactlyElementsOf(messages.stream().map(ConsentChanged::id).toList());
        }
    }

    @Test
    void shouldDeadLetterAMalformedRecordWithTheReasonAndKeepConsuming() {
        try (TopicWriter writer = infrastructure.writer();
             TopicReader deadLetters = infrastructure.read(Topics.deadLetters("kit-smoke"))) {
            writer.send(Topics.CONSENT_CHANGES, "ws_a:bad", "{\"not\":\"a message\"");

            var records = deadLetters.await(r -> "ws_a:bad".equals(r.key()), 1, Duration.ofSeconds(30));

            assertThat(records).hasSize(1);
            assertThat(header(records.getFirst().headers(), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(header(records.getFirst().headers(), KafkaConfiguration.DLT_ERROR)).isNotBlank();
        }
    }

    @Test
    void shouldAnswerEveryErrorAsProblemDetails() {
        String writer = infrastructure.token("ws_a", "notes:write");
        String reader = infrastructure.token("ws_b", "notes:read");
        ApiClient api = api();

        assertProblem(api.get("/v1/notes/n1", null), 401, "missing_token");
        assertProblem(api.get("/v1/notes/n1", "not-a-jwt"), 401, "invalid_token");
        assertProblem(api.post("/v1/notes", reader, "{\"id\":\"n2\",\"text\":\"x\"}"), 403, "missing_scope");
        JsonNode invalid = assertProblem(api.post("/v1/notes", writer, "{\"id\":\"\"}"), 400, "validation_failed");
        assertThat(invalid.path("errors").valueStream()
                .map(error -> error.path("pointer").asString() + " " + error.path("message").asString()))
                .as("issue 14: one validation-error shape, a JSON pointer and a message")
                .containsExactlyInAnyOrder("/id must not be blank", "/text must not be blank");
        assertProblem(api.post("/v1/notes", writer, "{oops"), 400, "malformed_body");
        assertProblem(api.get("/v1/nothing-here", writer), 404, "not_found");
        assertProblem(api.delete("/v1/notes/n1", writer), 405, "method_not_allowed");

        api.post("/v1/notes", writer, "{\"id\":\"n3\",\"text\":\"mine\"}");
        assertThat(api.get("/v1/notes/n3", writer).statusCode()).isEqualTo(200);
        assertProblem(api.get("/v1/notes/n3", reader), 404, "note_not_found");
    }

    @Test
    void shouldSealAServiceCredentialToTheWorkspaceTheRequestNames() {
        String writerA = infrastructure.token("ws_svc_a", "notes:write");
        api().post("/v1/notes", writerA, "{\"id\":\"svc-1\",\"text\":\"of A\"}");
        String credential = new ServiceCredentials(infrastructure.jwtSecret(), "activation").token("notes:read");

        assertThat(ApiClient.body(api().send(api().request("/v1/notes/svc-1")
                .header("Authorization", "Bearer " + credential)
                .header(ServiceCredentials.WORKSPACE_HEADER, "ws_svc_a")), 200).path("text").asString()).isEqualTo("of A");
        assertProblem(api().send(api().request("/v1/notes/svc-1").header("Authorization", "Bearer " + credential)
                .header(ServiceCredentials.WORKSPACE_HEADER, "ws_svc_b")), 404, "note_not_found");
        assertProblem(api().send(api().request("/v1/notes/svc-1").header("Authorization", "Bearer " + credential)),
                401, "invalid_token");
        // a user's token stays in its own workspace whatever the header says
        assertProblem(api().send(api().request("/v1/notes/svc-1")
                .header("Authorization", "Bearer " + infrastructure.token("ws_svc_b", "notes:read"))
                .header(ServiceCredentials.WORKSPACE_HEADER, "ws_svc_a")), 404, "note_not_found");
    }

    @Test
    void shouldServeHealthPrometheusAndOpenApiWithoutAToken() {
        assertThat(api().get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
        assertThat(api().get("/actuator/prometheus", null).body()).contains("cdp_outbox_published");
        assertThat(api().get("/v3/api-docs", null).body()).contains("/v1/notes").contains("bearer");
    }

    @Test
    void shouldParkAnOutboxRowKafkaRefusesForGoodAndPublishTheRowsAfterIt() {
        // issue 15: one ProfileChanged over the broker's 1 MB limit stalled its service's relay for good
        var transactions = new TransactionTemplate(transactionManager);
        ConsentChanged before = new ConsentChanged(UUID.randomUUID(), "ws_park", Instant.now(), "p_park",
                Map.of("before", true));
        ConsentChanged tooLarge = new ConsentChanged(UUID.randomUUID(), "ws_park", Instant.now(), "p_park",
                Map.of("x".repeat(1_200_000), true));
        ConsentChanged after = new ConsentChanged(UUID.randomUUID(), "ws_park", Instant.now(), "p_park",
                Map.of("after", true));

        transactions.executeWithoutResult(status -> outbox.appendAll(List.of(before, tooLarge, after)));

        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var records = reader.await(r -> r.key().equals("ws_park:p_park"), 2, Duration.ofSeconds(30));
            assertThat(records).extracting(r -> MessageCodec.read(r.value(), ConsentChanged.class).id())
                    .containsExactly(before.id(), after.id());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT id FROM outbox_parked", UUID.class)).containsExactly(tooLarge.id()));
        assertThat(jdbc.queryForObject("SELECT reason FROM outbox_parked WHERE id = ?", String.class, tooLarge.id()))
                .startsWith("RecordTooLargeException: ");
        assertThat(jdbc.queryForObject("SELECT payload FROM outbox_parked WHERE id = ?", String.class, tooLarge.id()))
                .as("kept to be put back once the cause is fixed").isEqualTo(MessageCodec.toJson(tooLarge));
        assertThat(count("SELECT count(*) FROM outbox WHERE id IN ('" + before.id() + "', '" + tooLarge.id() + "', '"
                + after.id() + "')")).isZero();
        assertThat(api().get("/actuator/prometheus", null).body())
                .contains("cdp_outbox_parked_total{reason=\"RecordTooLargeException\"} 1.0");
    }

    /** The shared problem assertion, plus the title every kit problem carries. */
    private static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        JsonNode problem = ApiClient.assertProblem(response, status, code);
        assertThat(problem.path("title").asString()).as(response.body()).isNotBlank();
        return problem;
    }

    private ApiClient api() {
        return ApiClient.onPort(port);
    }

    private long count(String sql) {
        Long value = jdbc.queryForObject(sql, Long.class);
        return value == null ? 0 : value;
    }

    private static String header(org.apache.kafka.common.header.Headers headers, String name) {
        return StreamSupport.stream(headers.headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }
}
