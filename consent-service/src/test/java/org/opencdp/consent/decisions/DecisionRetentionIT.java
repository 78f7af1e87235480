package org.opencdp.consent.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.ConsentProperties;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: stored decisions are pruned after {@code cdp.consent.decisions.retention} (400 days by
 * default) by the kit's background loop, in every workspace, a batch per statement; younger ones
 * stay readable.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class DecisionRetentionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String other = Workspaces.fresh();
    private final String reader = infrastructure.token(workspace, Scopes.CONSENT_READ);
    private final String otherReader = infrastructure.token(other, Scopes.CONSENT_READ);
    private ApiClient client;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DecisionPruner pruner;

    @Autowired
    DecisionRepository decisions;

    @Autowired
    ConsentProperties properties;

    @BeforeEach
    void setUp() {
        client = ApiClient.onPort(port);
    }

    @Test
    void shouldPruneDecisionsOlderThanTheRetentionInEveryWorkspaceAndKeepYoungerOnes() {
        assertThat(properties.decisions().retention()).isEqualTo(Duration.ofDays(400));
        List<String> made = decide(reader, "p_expired_1", "p_expired_2", "p_kept_old", "p_recent");
        String otherExpired = decide(otherReader, "p_other").getFirst();
        Instant now = Instant.now();
        age(made.get(0), now.minus(Duration.ofDays(401)));
        age(made.get(1), now.minus(Duration.ofDays(500)));
        age(made.get(2), now.minus(Duration.ofDays(399)));
        age(otherExpired, now.minus(Duration.ofDays(401)));

        // one batch is one statement of at most the batch size
        assertThat(decisions.deleteDecidedBefore(now.minus(Duration.ofDays(400)), 1)).isEqualTo(1);
        assertThat(expired(now)).isEqualTo(2);

        pruner.wakeUp();

        await().atMost(TIMEOUT).until(() -> expired(now) == 0);
        assertProblem(client.get("/v1/consent/decisions/" + made.get(0), reader), 404, "decision_not_found");
        assertProblem(client.get("/v1/consent/decisions/" + made.get(1), reader), 404, "decision_not_found");
        assertProblem(client.get("/v1/consent/decisions/" + otherExpired, otherReader), 404, "decision_not_found");
        JsonNode keptOld = body(client.get("/v1/consent/decisions/" + made.get(2), reader), 200);
        assertThat(keptOld.path("profileId").asString()).isEqualTo("p_kept_old");
        JsonNode recent = body(client.get("/v1/consent/decisions/" + made.get(3), reader), 200);
        assertThat(recent.path("profileId").asString()).isEqualTo("p_recent");
        assertThat(pruner.prune()).isZero();
    }

    /** The decision ids for {@code profileIds}, in order. */
    private List<String> decide(String token, String... profileIds) {
        String ids = String.join("\", \"", profileIds);
        JsonNode answer = body(client.post("/v1/consent/decisions", token,
                "{\"purposes\": [\"marketing\"], \"profileIds\": [\"" + ids + "\"]}"), 200);
        return answer.path("decisions").valueStream().map(d -> d.path("decisionId").asString()).toList();
    }

    /** Makes the decision look as if it had been made at {@code decidedAt}. */
    private void age(String decisionId, Instant decidedAt) {
        assertThat(jdbc.update("UPDATE consent_decisions SET decided_at = ? WHERE id = ?::uuid",
                Timestamp.from(decidedAt), decisionId)).isEqualTo(1);
    }

    /** This test's decisions (of both workspaces) older than the retention. */
    private long expired(Instant now) {
        return jdbc.queryForObject("""
                        SELECT count(*) FROM consent_decisions
                        WHERE workspace_id IN (?, ?) AND decided_at < ?""",
                Long.class, workspace, other, Timestamp.from(now.minus(Duration.ofDays(400))));
    }
}
