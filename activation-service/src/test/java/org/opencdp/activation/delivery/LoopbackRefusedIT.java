package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.json;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.network.TestHosts;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13: by default (no {@code cdp.activation.network.allow}) destinations may not reach loopback,
 * by address or by name: local receivers need the explicit setting.
 */
@CdpIntegrationTest
@Import(TestHosts.Config.class)
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class LoopbackRefusedIT {

    @LocalServerPort
    int port;

    @Test
    void shouldRefuseLoopbackDestinationsWithoutTheAllowSetting() {
        String workspace = Workspaces.fresh();
        String token = CdpTestEnvironment.current().token(workspace, Scopes.DESTINATIONS_WRITE);
        ApiClient api = ApiClient.onPort(port);
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost:8080/hook", "http://[::1]/hook",
                "http://LOCALHOST./hook", "http://[::ffff:127.0.0.1]:8080/hook")) {
            JsonNode problem = assertProblem(api.post("/v1/destinations", token, """
                    {"name": "Local", "type": "webhook", "config": {"url": "%s", "secret": "s"},
                     "requiredPurposes": ["marketing"]}""".formatted(url)), 400, "invalid_destination_config");
            assertThat(problem.path("errors").get(0).path("pointer").asString()).as(url).isEqualTo("/config/url");
            assertThat(problem.path("errors").get(0).path("message").asString()).as(url).contains("loopback");
        }
        assertThat(json(api.get("/v1/destinations", token)).path("items")).isEmpty();
    }
}
