package org.opencdp.profile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertProblem;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.security.Scopes;
import org.opencdp.profile.ServiceUnderTest;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.Workspaces;
import org.springframework.core.env.Environment;

/**
 * Issue 14: a lookup reads the identifier under the workspace's identifier rules, which come from
 * Kafka. With the broker out of reach the rules cannot be read, and the lookup says so (503 with
 * {@code Retry-After}) instead of answering by rules that may not be the workspace's. The service
 * runs here against a broker address nothing listens on; the view gives up after its catch-up time.
 */
class IdentifierRulesUnavailableIT {

    private static ServiceUnderTest service;

    @BeforeAll
    static void startServiceWithoutKafka() {
        service = ServiceUnderTest.start(Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:9",
                // start-up gives up on creating the topics at once, and the admin client's retries stay quiet
                "spring.kafka.admin.operation-timeout", "1s",
                "logging.level.org.apache.kafka.clients.admin.internals.AdminMetadataManager", "WARN"));
    }

    @AfterAll
    static void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void shouldAnswer503WhileTheIdentifierRulesCannotBeRead() {
        ApiClient api = ApiClient.onPort(Integer.parseInt(service.bean(Environment.class).getProperty("local.server.port")));
        String token = service.infrastructure().token(Workspaces.fresh(), Scopes.PROFILES_READ);

        // the view waits its catch-up time (30 s) for the rules before it gives up: wait longer than that
        HttpResponse<String> answer = api.send(api.request("/v1/profiles/lookup?type=phone&value=020%207946%200958")
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(3)).GET());

        assertProblem(answer, 503, "identifier_rules_unavailable");
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    }
}
