package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.WorkspaceIdentifierRules;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Issue 14: a service outside identity reads a workspace's identifier rules from identity's
 * compacted topic, so its lookups read a national phone number or a blocked value as identity does;
 * a workspace without rules has the defaults, and an older record never replaces newer rules.
 */
@CdpIntegrationTest
@SpringBootTest(classes = KitSmokeApplication.class, properties = "spring.config.name=kit-smoke")
class IdentifierRulesViewIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Autowired
    IdentifierRulesView view;

    @Test
    void shouldApplyEachWorkspacesLatestRulesAndTheDefaultsElsewhere() {
        String british = Workspaces.fresh();
        String other = Workspaces.fresh();
        try (TopicWriter writer = CdpTestEnvironment.current().writer()) {
            writer.send(rules(british, 1, "US", List.of()));
            writer.send(rules(british, 2, "GB", List.of("test-user")));

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(view.version(british)).isEqualTo(2));
            assertThat(view.identifier(british, "phone", "020 7946 0958", 255))
                    .contains(new Identifier("phone", "+442079460958"));
            assertThat(view.identifier(british, "user_id", " Test-User ", 255)).isEmpty();
            assertThat(view.rules(other)).isSameAs(WorkspaceIdentifierRules.DEFAULT);
            assertThat(view.identifier(other, "phone", "020 7946 0958", 255)).isEmpty();
            assertThat(view.identifier(other, "user_id", "test-user", 255)).isPresent();

            // a late copy of older rules (a redelivery, another instance's relay) changes nothing
            writer.send(rules(british, 1, "US", List.of()));
            writer.send(rules(other, 1, "US", List.of()));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(view.version(other)).isEqualTo(1));
            assertThat(view.version(british)).isEqualTo(2);
            assertThat(view.identifier(other, "phone", "(650) 253-0000", 255))
                    .contains(new Identifier("phone", "+16502530000"));
        }
    }

    private static IdentifierRulesChanged rules(String workspace, long version, String region, List<String> blocked) {
        return new IdentifierRulesChanged(UUID.randomUUID(), workspace, Instant.now(), version, region, blocked, List.of());
    }
}
