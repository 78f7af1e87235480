package org.opencdp.ingestion.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.WorkspaceIdentifierRules;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.PostgresServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 14: an event of a workspace with suppressions is checked under the workspace's identifier
 * rules, which come from Kafka. While they cannot be read (nothing listens on the bootstrap port),
 * the call answers 503 {@code identifier_rules_unavailable} with {@code Retry-After}, so the SDK
 * sends it again, instead of checking it by rules that may not be the workspace's. Real PostgreSQL,
 * no broker.
 */
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=ingestion-service",
                "spring.kafka.bootstrap-servers=127.0.0.1:1",
                "spring.kafka.producer.properties[max.block.ms]=1000",
                "cdp.kit.kafka.create-topics=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SuppressionRulesUnavailableIT {

    private static final String JWT_SECRET = "suppression-rules-it-secret-at-least-32-bytes";
    private static final String WORKSPACE = "ws_rules_down";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresServer postgres = PostgresServer.shared();
        String url = postgres.createDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("cdp.kit.security.jwt-secret", () -> JWT_SECRET);
    }

    @LocalServerPort
    int port;

    @Autowired
    SuppressionRepository repository;

    @Autowired
    SuppressionIndex index;

    @Test
    void shouldAnswer503WhileTheRulesOfAWorkspaceWithSuppressionsCannotBeRead() {
        ApiClient api = ApiClient.onPort(port);
        String token = new TokenIssuer(JWT_SECRET).issue(WORKSPACE, Scopes.SOURCES_WRITE, "test", Duration.ofHours(1));
        TestSource source = TestSource.create(api, token, "Web");
        repository.add(SuppressedIdentifier.of(WorkspaceIdentifierRules.DEFAULT, WORKSPACE, "user_id", "u-gone")
                .orElseThrow(), UUID.randomUUID());
        index.refresh();

        // the view waits up to 30 s for the rules topic before it gives up
        HttpResponse<String> response = api.send(api.request("/v1/track").timeout(Duration.ofSeconds(120))
                .header("Authorization", ApiClient.basic(source.writeKey()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"u-other\", \"event\": \"E\"}")));

        assertProblem(response, 503, "identifier_rules_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).contains("5");
    }
}
