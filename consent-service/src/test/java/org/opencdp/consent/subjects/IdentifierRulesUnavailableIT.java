package org.opencdp.consent.subjects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertProblem;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 14: every identifier a caller writes is read under the workspace's identifier rules, which
 * come from Kafka. With the broker out of reach they cannot be read, and consent says so (503 with
 * {@code Retry-After}) instead of reading the identifier by rules that may not be the workspace's.
 * The service runs on the test's database against a broker address nothing listens on; the rules
 * view gives up after its catch-up time (30 s), so the three calls are made at once.
 */
@ExtendWith(CdpTestEnvironment.class)
class IdentifierRulesUnavailableIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private ConfigurableApplicationContext service;

    @BeforeEach
    void startServiceWithoutKafka() {
        Map<String, Object> settings = new LinkedHashMap<>(infrastructure.springProperties());
        settings.put("server.port", 0);
        settings.put("spring.kafka.bootstrap-servers", "127.0.0.1:9");
        settings.put("spring.kafka.listener.auto-startup", false);
        // start-up gives up on creating the topics at once, and the admin client's retries stay quiet
        settings.put("spring.kafka.admin.operation-timeout", "1s");
        settings.put("logging.level.org.apache.kafka", "ERROR");
        service = ConsentServiceApplication.application()
                .run(settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    @AfterEach
    void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void shouldAnswer503ForEveryLookupByIdentifierWhileTheRulesCannotBeRead() {
        ApiClient api = ApiClient.onPort(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
        String workspace = Workspaces.fresh();
        String consent = infrastructure.token(workspace, Scopes.CONSENT_WRITE + " " + Scopes.CONSENT_READ);
        String privacy = infrastructure.token(workspace, Scopes.PRIVACY_WRITE);
        String phone = "{\"type\": \"phone\", \"value\": \"020 7946 0958\"}";

        List<CompletableFuture<HttpResponse<String>>> answers = List.of(
                send(json(api.request("/v1/consent"), consent, "PUT",
                        "{\"identifier\": " + phone + ", \"purposes\": {\"email\": \"granted\"}}")),
                send(api.request("/v1/audit?subject=phone:%2B442079460958")
                        .header("Authorization", "Bearer " + consent).GET()),
                send(json(api.request("/v1/privacy/requests"), privacy, "POST",
                        "{\"type\": \"ERASE\", \"identifier\": " + phone + "}")));

        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertProblem(response, 503, "identifier_rules_unavailable");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        }
        // a call that names no identifier does not need the rules
        assertThat(api.get("/v1/audit?subject=p_someone", consent).statusCode()).isEqualTo(200);
    }

    private static HttpRequest.Builder json(HttpRequest.Builder request, String token, String method, String body) {
        return request.header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sends without waiting; the view waits its catch-up time (30 s) before it gives up, so allow longer. */
    private static CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
        return HttpClient.newHttpClient().sendAsync(request.timeout(Duration.ofMinutes(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
