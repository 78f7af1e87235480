package org.opencdp.identity.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.identity.ResolvedEvents.TIMEOUT;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14: identity publishes each workspace's identifier rules on the compacted {@code
 * cdp.identity.identifier-rules.v1}, which every other service reads them from: each change, in the
 * transaction that stores it, and rules stored without publication (before this release, or by an
 * older instance during an upgrade). The database starts as the previous release left it: migrated
 * to V3 with rules stored ({@link RulesFromBefore}), then migrated on as the service starts.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=identity-service", "cdp.identity.rules-publish-interval=200ms"})
@Import(IdentifierRulesPublicationIT.RulesFromBefore.class)
class IdentifierRulesPublicationIT {

    /** A workspace with rules stored by the previous release: region GB, its own blocked values, version 3. */
    private static final String BEFORE_GB = "ws_before_gb";
    /** One whose stored rules leave the region unset and block nothing of their own. */
    private static final String BEFORE_PLAIN = "ws_before_plain";
    private static final Instant STORED_AT = Instant.parse("2025-06-01T08:00:00.123456Z");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    IdentifierRulesView view;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = ApiClient.onPort(port);
    }

    /** Stores rules the way the release before publication did, before the service migrates the schema on. */
    @TestConfiguration(proxyBeanMethods = false)
    static class RulesFromBefore {

        @Bean
        FlywayMigrationStrategy migrateWithRulesStoredBeforePublication(JsonMapper json) {
            return flyway -> {
                Flyway.configure().configuration(flyway.getConfiguration()).target("3").load().migrate();
                JdbcTemplate jdbc = new JdbcTemplate(flyway.getConfiguration().getDataSource());
                String table = flyway.getConfiguration().getDefaultSchema() + ".identity_rules";
                storeAsBefore(jdbc, json, table, BEFORE_GB, rules("GB", List.of("Guest", "n/a \"quoted\" é"),
                        List.of("^test-\\d+$")), 3);
                storeAsBefore(jdbc, json, table, BEFORE_PLAIN, rules(null, List.of(), List.of()), 1);
                flyway.migrate();
            };
        }

        private static void storeAsBefore(JdbcTemplate jdbc, JsonMapper json, String table, String workspaceId,
                                          IdentityRules rules, long version) {
            jdbc.update("INSERT INTO " + table + " (workspace_id, document, version, updated_at) VALUES (?, ?::jsonb, ?, ?)",
                    workspaceId, json.writeValueAsString(rules), version, OffsetDateTime.ofInstant(STORED_AT, ZoneOffset.UTC));
        }
    }

    private static IdentityRules rules(String region, List<String> blockedValues, List<String> blockedPatterns) {
        return new IdentityRules(IdentityRules.defaultIdentifiers(), region, blockedValues, blockedPatterns,
                List.of(new CustomIdentifier("crm_id", List.of("traits.crm"))), Caps.DEFAULT);
    }

    @Test
    void shouldPublishTheRulesStoredBeforeIdentityPublishedThemWhenTheServiceStarts() {
        List<IdentifierRulesChanged> published = published(List.of(BEFORE_GB, BEFORE_PLAIN), 2);

        IdentifierRulesChanged gb = only(published, BEFORE_GB);
        assertThat(gb.version()).isEqualTo(3);
        assertThat(gb.occurredAt()).isEqualTo(STORED_AT);
        assertThat(gb.defaultPhoneRegion()).isEqualTo("GB");
        assertThat(gb.blockedValues()).containsExactly("Guest", "n/a \"quoted\" é");
        assertThat(gb.blockedPatterns()).containsExactly("^test-\\d+$");
        IdentifierRulesChanged plain = only(published, BEFORE_PLAIN);
        assertThat(plain.version()).isEqualTo(1);
        assertThat(plain.defaultPhoneRegion()).isNull();
        assertThat(plain.blockedValues()).isEmpty();
        assertThat(plain.blockedPatterns()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM identity_rules WHERE published_version <> version",
                Long.class)).isZero();
        // what every other service reads them through: identity's normal form, in identity's workspace
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(view.version(BEFORE_GB)).isEqualTo(3));
        assertThat(view.identifier(BEFORE_GB, "phone", "020 7946 0958", 512))
                .contains(new Identifier("phone", "+442079460958"));
        assertThat(view.identifier(BEFORE_GB, "user_id", " GUEST ", 512)).isEmpty();
        assertThat(view.identifier(BEFORE_GB, "user_id", "test-12", 512)).isEmpty();
        assertThat(view.identifier(BEFORE_PLAIN, "phone", "020 7946 0958", 512)).as("no region: national refused")
                .isEmpty();
    }

    @Test
    void shouldPublishEveryChangeWithItsVersionAndContentButNotARefusedOne() {
        String workspaceId = Workspaces.fresh();
        String writer = infrastructure.token(workspaceId, "identity:write");

        body(api.put("/v1/identity-rules", writer, """
                {"defaultRegion": "gb", "blockedValues": ["Guest", "n/a"], "blockedPatterns": ["^test-"],
                 "customIdentifiers": [{"type": "crm_id", "paths": ["traits.crm"]}]}"""), 200);
        assertProblem(api.put("/v1/identity-rules", writer, "{\"defaultRegion\": \"XX\"}"), 400,
                "invalid_identity_rules");
        JsonNode second = body(api.put("/v1/identity-rules", writer, "{\"defaultRegion\": \"DE\"}"), 200);

        try (TopicReader reader = infrastructure.read(Topics.IDENTIFIER_RULES)) {
            // one key, one partition, in the order stored: once version 2 is out, the refused change
            // between the two would be out too
            reader.await(r -> workspaceId.equals(r.key()) && read(r).version() == 2, 1, TIMEOUT);
            List<ConsumerRecord<String, String>> records = reader.await(r -> workspaceId.equals(r.key()), 3,
                    Duration.ZERO);

            assertThat(records).extracting(r -> read(r).version()).containsExactly(1L, 2L);
            IdentifierRulesChanged first = read(records.get(0));
            assertThat(first.workspaceId()).isEqualTo(workspaceId);
            assertThat(first.defaultPhoneRegion()).isEqualTo("GB");
            assertThat(first.blockedValues()).containsExactly("Guest", "n/a");
            assertThat(first.blockedPatterns()).containsExactly("^test-");
            IdentifierRulesChanged latest = read(records.get(1));
            assertThat(latest.defaultPhoneRegion()).isEqualTo("DE");
            assertThat(latest.blockedValues()).isEmpty();
            assertThat(latest.blockedPatterns()).isEmpty();
            assertThat(latest.occurredAt()).isEqualTo(Instant.parse(second.path("updatedAt").asString()));
            ConsumerRecord<String, String> record = records.get(1);
            assertThat(TopicReader.header(record, CloudEventHeaders.TYPE))
                    .isEqualTo("cdp.identity.identifier-rules-changed");
            assertThat(TopicReader.header(record, CloudEventHeaders.SUBJECT)).isEqualTo(workspaceId);
            assertThat(TopicReader.header(record, CloudEventHeaders.ID)).isEqualTo(latest.id().toString());
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(view.version(workspaceId)).isEqualTo(2));
        assertThat(view.identifier(workspaceId, "phone", "030 1234567", 512))
                .contains(new Identifier("phone", "+49301234567"));
    }

    @Test
    void shouldPublishAChangeAnOlderReleaseStoredWithoutPublishingIt() {
        String inserted = Workspaces.fresh();
        String updated = Workspaces.fresh();
        body(api.put("/v1/identity-rules", infrastructure.token(updated, "identity:write"), "{}"), 200);

        // what the release before publication does on a PUT: the document and the version, nothing else
        jdbc.update("INSERT INTO identity_rules (workspace_id, document, version, updated_at) VALUES (?, ?::jsonb, 1, now())",
                inserted, json.writeValueAsString(rules("FR", List.of("invité"), List.of())));
        jdbc.update("UPDATE identity_rules SET document = ?::jsonb, version = version + 1, updated_at = now() "
                + "WHERE workspace_id = ?", json.writeValueAsString(rules("US", List.of(), List.of("^x$"))), updated);

        List<IdentifierRulesChanged> published = published(List.of(inserted, updated), 3);

        assertThat(only(published, inserted).version()).isEqualTo(1);
        assertThat(only(published, inserted).defaultPhoneRegion()).isEqualTo("FR");
        assertThat(only(published, inserted).blockedValues()).containsExactly("invité");
        IdentifierRulesChanged caughtUp = published.stream().filter(m -> m.workspaceId().equals(updated))
                .filter(m -> m.version() == 2).findFirst().orElseThrow();
        assertThat(caughtUp.defaultPhoneRegion()).isEqualTo("US");
        assertThat(caughtUp.blockedPatterns()).containsExactly("^x$");
    }

    /** The messages on the rules topic of {@code workspaceIds}, once {@code count} of them are there. */
    private List<IdentifierRulesChanged> published(List<String> workspaceIds, int count) {
        try (TopicReader reader = infrastructure.read(Topics.IDENTIFIER_RULES)) {
            List<IdentifierRulesChanged> published = reader.await(r -> workspaceIds.contains(r.key()), count, TIMEOUT)
                    .stream().map(IdentifierRulesPublicationIT::read).toList();
            assertThat(published).as("published rules of " + workspaceIds).hasSize(count);
            assertThat(published).allSatisfy(m -> assertThat(workspaceIds).contains(m.workspaceId()));
            return published;
        }
    }

    private static IdentifierRulesChanged only(List<IdentifierRulesChanged> published, String workspaceId) {
        List<IdentifierRulesChanged> of = published.stream().filter(m -> m.workspaceId().equals(workspaceId)).toList();
        assertThat(of).as("rules published for " + workspaceId).hasSize(1);
        return of.getFirst();
    }

    private static IdentifierRulesChanged read(ConsumerRecord<String, String> record) {
        return MessageCodec.read(record.value(), IdentifierRulesChanged.class);
    }
}
