package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17: what an operator reads from every service — consumer lag and the outbox backlog on
 * {@code /actuator/prometheus}, and the API explorer with its bearer scheme.
 */
@CdpIntegrationTest
@SpringBootTest(classes = KitSmokeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=kit-smoke", "cdp.kit.metrics.refresh-interval=200ms"})
class OperabilityIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    @Qualifier("outboxRelay")
    SmartLifecycle relay;

    @Test
    void shouldExportConsumerLagPerServiceAndTopicUntilTheConsumerCatchesUp() {
        String token = infrastructure.token("ws_lag", "notes:write");
        await().atMost(PATIENCE).until(() -> lag().isPresent()); // the consumer's topics are known
        listeners.stop();
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(api().post("/v1/notes", token, "{\"id\":\"lag-" + i + "\",\"text\":\"t\"}").statusCode())
                        .isEqualTo(201);
            }
            // published by the relay, not consumed while the listener is stopped
            await().atMost(PATIENCE).until(() -> lag().orElse(0) >= 5);
        } finally {
            listeners.start();
        }
        await().atMost(PATIENCE).until(() -> lag().orElse(-1) == 0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM consumed WHERE profile_id LIKE 'lag-%'", Long.class))
                .isEqualTo(5);
    }

    @Test
    void shouldExportTheOutboxBacklogAndTheAgeOfItsOldestRowUntilTheRelayPublishesThem() {
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM outbox") == 0);
        relay.stop();
        try {
            for (int i = 0; i < 3; i++) {
                jdbc.update("""
                        INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, subject, workspace_id,
                                            occurred_at, created_at)
                        VALUES (gen_random_uuid(), ?, 'ws_backlog:p', 'cdp.test.backlog', '{}'::jsonb, 'p',
                                'ws_backlog', now(), now() - interval '1 hour' + make_interval(secs => ?))""",
                        Topics.deadLetters("kit-smoke"), i); // a topic the kit created
            }
            await().atMost(PATIENCE).until(() -> metric("cdp_outbox_backlog", Map.of("service", "kit-smoke"))
                    .orElse(0) == 3);
            assertThat(metric("cdp_outbox_oldest_age_seconds", Map.of("service", "kit-smoke")).orElseThrow())
                    .isBetween(3600.0, 3600.0 + PATIENCE.toSeconds() * 2);
            assertThat(metric("cdp_outbox_parked_rows", Map.of("service", "kit-smoke"))).hasValue(0);
        } finally {
            relay.start();
        }
        await().atMost(PATIENCE).until(() -> metric("cdp_outbox_backlog", Map.of("service", "kit-smoke"))
                .orElse(-1) == 0);
        assertThat(metric("cdp_outbox_oldest_age_seconds", Map.of("service", "kit-smoke"))).hasValue(0);
    }

    @Test
    void shouldServeSwaggerUiWithoutATokenOnADocumentDeclaringTheBearerScheme() {
        HttpResponse<String> page = api().get("/swagger-ui/index.html", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");

        JsonNode config = ApiClient.body(api().get("/v3/api-docs/swagger-config", null), 200);
        assertThat(config.get("url").asString()).isEqualTo("/v3/api-docs");
        assertThat(config.get("persistAuthorization").asBoolean()).isTrue();

        JsonNode document = ApiClient.body(api().get("/v3/api-docs", null), 200);
        JsonNode bearer = document.at("/components/securitySchemes/bearer");
        assertThat(bearer.get("type").asString()).isEqualTo("http");
        assertThat(bearer.get("scheme").asString()).isEqualTo("bearer");
        assertThat(bearer.get("bearerFormat").asString()).isEqualTo("JWT");
        assertThat(document.at("/security/0").has("bearer")).isTrue();
    }

    private OptionalDouble lag() {
        return metric("cdp_consumer_lag", Map.of("service", "kit-smoke", "topic", Topics.CONSENT_CHANGES));
    }

    /** The value of the sample of {@code name} carrying all of {@code labels}, from /actuator/prometheus. */
    private OptionalDouble metric(String name, Map<String, String> labels) {
        HttpResponse<String> scrape = api().get("/actuator/prometheus", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(scrape.body());
        while (matcher.find()) {
            String found = matcher.group(1);
            if (labels.entrySet().stream().allMatch(label -> found.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
                return OptionalDouble.of(Double.parseDouble(matcher.group(2)));
            }
        }
        return OptionalDouble.empty();
    }

    private long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }

    private ApiClient api() {
        return ApiClient.onPort(port);
    }
}
