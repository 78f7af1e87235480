package org.opencdp.consent.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: a privacy request survives a restart of consent-service midway. The first instance
 * accepts the request and publishes its command but consumes nothing (its listeners never start),
 * and stops; acknowledgements arrive while it runs and while it is down; the second instance
 * carries out consent's own part, applies every acknowledgement, and answers the same request
 * with the same id.
 */
@ExtendWith(CdpTestEnvironment.class)
class PrivacyRestartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String consent = infrastructure.token(workspace, Scopes.CONSENT_WRITE);
    private final String privacy = infrastructure.token(workspace, Scopes.PRIVACY_WRITE);

    @Test
    void shouldCompleteARequestAcrossARestartOfConsentService() {
        String request = "{\"type\": \"ERASE\", \"identifier\": {\"type\": \"email\", \"value\": \"jane@example.com\"}}";
        String id;
        try (TopicWriter topics = infrastructure.writer()) {
            OtherServices others = new OtherServices(infrastructure, topics);
            try (ConfigurableApplicationContext first = start(false)) {
                ApiClient client = client(first);
                body(client.put("/v1/consent", consent,
                        "{\"profileId\": \"p_restart\", \"purposes\": {\"marketing\": \"granted\"}}"), 200);
                id = body(client.post("/v1/privacy/requests", privacy,
                        "{\"type\": \"ERASE\", \"profileId\": \"p_restart\"}"), 202).path("id").asString();
                assertThat(body(client.post("/v1/privacy/requests", privacy, request), 202).path("id").asString())
                        .isNotEqualTo(id);
                // the command left through the outbox before the stop
                assertThat(others.commands(workspace, id, 1)).hasSize(1);
                others.send(others.ack(workspace, id, "ingestion", Outcome.DONE, null));
                others.send(others.ack(workspace, id, "identity", Outcome.DONE, null));
            }
            others.send(others.ack(workspace, id, "profile", Outcome.DONE, null));
            others.send(others.ack(workspace, id, "segmentation", Outcome.DONE, null));

            try (ConfigurableApplicationContext second = start(true)) {
                ApiClient client = client(second);
                JsonNode resumed = awaitRequest(client, id, r -> "completed".equals(service(r, "consent"))
                        && "completed".equals(service(r, "segmentation")));
                assertThat(resumed.path("status").asString()).isEqualTo("in_progress");
                assertThat(service(resumed, "ingestion")).isEqualTo("completed");
                assertThat(service(resumed, "activation")).isEqualTo("pending");
                assertProblem(client.get("/v1/profiles/p_restart/consent", consent), 404, "profile_not_found");
                // the same request, after consent's part erased the profile: still that one
                assertThat(body(client.post("/v1/privacy/requests", privacy,
                        "{\"type\": \"ERASE\", \"profileId\": \"p_restart\"}"), 202).path("id").asString()).isEqualTo(id);

                others.send(others.ack(workspace, id, "activation", Outcome.DONE, null));

                awaitRequest(client, id, r -> "completed".equals(r.path("status").asString()));
                assertThat(others.allCommands(workspace, id)).hasSize(1);
            }
        }
    }

    private ConfigurableApplicationContext start(boolean consuming) {
        Map<String, Object> settings = new LinkedHashMap<>(infrastructure.springProperties());
        settings.put("server.port", 0);
        settings.put("spring.kafka.listener.auto-startup", consuming);
        return ConsentServiceApplication.application()
                .run(settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private static ApiClient client(ConfigurableApplicationContext context) {
        return ApiClient.onPort(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    private JsonNode awaitRequest(ApiClient client, String id, Predicate<JsonNode> condition) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(TIMEOUT).until(() -> {
            seen[0] = body(client.get("/v1/privacy/requests/" + id, privacy), 200);
            return condition.test(seen[0]);
        });
        return seen[0];
    }

    private static String service(JsonNode request, String service) {
        return request.path("services").path(service).path("status").asString();
    }
}
