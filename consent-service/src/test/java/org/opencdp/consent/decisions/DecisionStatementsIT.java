package org.opencdp.consent.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.consent.StatementRecording;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12 (decisions benchmark): {@code POST /v1/consent/decisions} is set-based: one read of
 * everything the decisions rest on, one multi-row insert of the decisions and the commit, whether it
 * decides for one profile or a thousand (it was 4 + one statement per decision).
 */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
@Import(StatementRecording.class)
class DecisionStatementsIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String writer = infrastructure.token(workspace, Scopes.CONSENT_WRITE);
    private final String reader = infrastructure.token(workspace, Scopes.CONSENT_READ);
    private ApiClient client;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void shouldRunTheSameThreeStatementsForOneProfileAndForAThousand() {
        client = ApiClient.onPort(port);
        body(client.put("/v1/purposes", writer, """
                {"purposes": [{"key": "analytics", "name": "Analytics", "defaults": {"*": true}}]}"""), 200);
        for (int i = 0; i < 1000; i += 100) {
            body(client.put("/v1/consent", writer, "{\"profileId\": \"p_" + i + "\", \"purposes\": {\"marketing\": \""
                    + (i % 200 == 0 ? "granted" : "denied") + "\"}}"), 200);
        }
        String key = workspace + ":";

        JsonNode one = decide(key + "one", List.of("p_0"));
        JsonNode thousand = decide(key + "thousand",
                IntStream.range(0, 1000).mapToObj(i -> "p_" + i).toList());

        assertThat(one.path("decisions")).hasSize(1);
        assertThat(thousand.path("decisions")).hasSize(1000);
        assertThat(thousand.path("decisions").valueStream().filter(d -> d.path("decision").asString().equals("allow")))
                .hasSize(5);
        List<String> forOne = StatementRecording.recorded(key + "one");
        List<String> forThousand = StatementRecording.recorded(key + "thousand");
        assertThat(forOne).hasSize(3);
        assertThat(forOne.get(0)).contains("FROM unnest(?::text[]) AS a (id)");
        assertThat(forOne.get(1)).startsWith("INSERT INTO consent_decisions");
        assertThat(forOne.get(2)).isEqualTo("COMMIT");
        assertThat(forThousand).isEqualTo(forOne);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM consent_decisions WHERE workspace_id = ?", Long.class,
                workspace)).isEqualTo(1001);
    }

    private JsonNode decide(String recordAs, List<String> profileIds) {
        String ids = profileIds.stream().collect(Collectors.joining("\", \"", "[\"", "\"]"));
        return body(client.send(client.request("/v1/consent/decisions")
                .header("Authorization", "Bearer " + reader)
                .header("Content-Type", "application/json")
                .header(StatementRecording.HEADER, recordAs)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"purposes\": [\"marketing\", \"analytics\"], \"profileIds\": " + ids + "}"))), 200);
    }
}
