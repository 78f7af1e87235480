package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.identity.ResolvedEvents.TIMEOUT;
import static org.opencdp.identity.ResolvedEvents.header;
import static org.opencdp.identity.ResolvedEvents.resolve;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.ResolvedEvents;
import org.opencdp.identity.TestEvents;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/** Each identity rule end to end: accepted events in on Kafka, resolved events and merges out, the API on top. */
@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=identity-service", "spring.kafka.listener.concurrency=3"})
class IdentityMatchingIT {

    private static final int PARTITIONS = 3;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void listenersOwnTheEventsTopic() {
        ResolvedEvents.awaitListenersAssigned(listeners, PARTITIONS);
        api = ApiClient.onPort(port);
    }

    @Test
    void shouldMergeProfilesWhenEmailMatchesAndExplainTheMerge() {
        String first = resolveOne(TestEvents.identify("ws_email", null, "a-first", "{\"email\": \"jane@example.com\"}"));
        String second = resolveOne(TestEvents.track("ws_email", null, "a-second"));
        EventAccepted linking = TestEvents.withContext("ws_email", null, "a-second",
                "{\"traits\": {\"email\": \"  JANE@Example.com \"}}");

        try (TopicReader merges = infrastructure.read(Topics.MERGES)) {
            String resolved = resolveOne(linking);
            List<ConsumerRecord<String, String>> records = merges.await(r -> r.key().startsWith("ws_email:"), 1,
                    TIMEOUT);

            assertThat(second).isNotEqualTo(first);
            assertThat(resolved).isEqualTo(first);
            assertThat(records).hasSize(1);
            ConsumerRecord<String, String> record = records.getFirst();
            ProfilesMerged merged = MessageCodec.read(record.value(), ProfilesMerged.class);
            assertThat(record.key()).isEqualTo("ws_email:" + first);
            assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("cdp.identity.profiles-merged");
            assertThat(header(record, CloudEventHeaders.SUBJECT)).isEqualTo(first);
            assertThat(merged.survivorId()).isEqualTo(first);
            assertThat(merged.mergedIds()).containsExactly(second);
            assertThat(merged.identifiers()).containsExactly(new Identifier("email", "jane@example.com"),
                    new Identifier("anonymous_id", "a-second"));
            assertThat(merged.eventId()).isEqualTo(linking.id());
            assertThat(merged.rule()).isEqualTo("flat_matching");
        }
        String token = infrastructure.token("ws_email", "profiles:read");
        JsonNode explanation = body(api.get("/v1/profiles/" + second + "/merges", token), 200);
        assertThat(explanation.path("profileId").asString()).isEqualTo(first);
        assertThat(explanation.path("mergedInto").asString()).isEqualTo(first);
        JsonNode merge = explanation.path("merges").get(0);
        assertThat(merge.path("survivorId").asString()).isEqualTo(first);
        assertThat(merge.path("eventId").asString()).isEqualTo(linking.id().toString());
        assertThat(merge.path("messageId").asString()).isEqualTo(linking.event().messageId());
        assertThat(merge.path("rule").asString()).isEqualTo("flat_matching");
        assertThat(merge.path("rulesVersion").asLong()).isZero();
        assertThat(merge.path("identifiers").get(0).path("value").asString()).isEqualTo("jane@example.com");
        JsonNode identities = body(api.get("/v1/profiles/" + second + "/identities", token), 200);
        assertThat(identities.path("profileId").asString()).isEqualTo(first);
        assertThat(identities.path("requestedId").asString()).isEqualTo(second);
        assertThat(identities.path("mergedInto").asString()).isEqualTo(first);
        assertThat(identities.path("identities").values()).extracting(i -> i.path("value").asString())
                .containsExactlyInAnyOrder("a-first", "jane@example.com", "a-second");
        assertThat(body(api.get("/v1/identities/email/Jane@EXAMPLE.com", token), 200).path("profileId").asString())
                .isEqualTo(first);
    }

    @Test
    void shouldNeverMergeTwoUserIdsAndDropTheLowestPriorityIdentifierInstead() {
        String first = resolveOne(TestEvents.track("ws_users", "u-one", "a-shared"));

        String second = resolveOne(TestEvents.track("ws_users", "u-two", "a-shared"));

        assertThat(second).isNotEqualTo(first);
        assertThat(profileOf("ws_users", "anonymous_id", "a-shared")).isEqualTo(first);
        assertThat(profileOf("ws_users", "user_id", "u-two")).isEqualTo(second);
        assertThat(count("SELECT count(*) FROM merges WHERE workspace_id = 'ws_users'")).isZero();
    }

    @Test
    void shouldApplyTheWorkspacesLimitsCustomTypesBlockedValuesAndRegionOncePut() {
        String writer = infrastructure.token("ws_rules", "identity:write");
        body(api.put("/v1/identity-rules", writer, """
                {"identifiers": {"email": {"limit": 1, "priority": 2}},
                 "defaultRegion": "DE", "blockedValues": ["guest"],
                 "customIdentifiers": [{"type": "crm_id", "paths": ["traits.crm", "properties.crm"]}]}"""), 200);

        String first = resolveOne(TestEvents.identify("ws_rules", null, "a-limit",
                "{\"email\": \"one@example.com\", \"crm\": 77, \"phone\": \"030 1234567\"}"));
        String second = resolveOne(TestEvents.identify("ws_rules", null, "a-limit", "{\"email\": \"two@example.com\"}"));
        String guest = resolveOne(TestEvents.track("ws_rules", "GUEST", "a-guest"));

        assertThat(second).as("a second email would break the limit of 1").isNotEqualTo(first);
        assertThat(profileOf("ws_rules", "email", "two@example.com")).isEqualTo(second);
        assertThat(profileOf("ws_rules", "crm_id", "77")).isEqualTo(first);
        assertThat(profileOf("ws_rules", "phone", "+49301234567")).isEqualTo(first);
        assertThat(profileOf("ws_rules", "anonymous_id", "a-guest")).isEqualTo(guest);
        assertThat(count("SELECT count(*) FROM identities WHERE workspace_id = 'ws_rules' AND type = 'user_id'"))
                .isZero();
        String reader = infrastructure.token("ws_rules", "identity:read");
        assertThat(body(api.get("/v1/identities/crm_id/77", reader), 200).path("profileId").asString())
                .isEqualTo(first);
        assertThat(body(api.get("/v1/identities/phone/+49%2030%201234567", reader), 200).path("profileId")
                .asString()).isEqualTo(first);
    }

    @Test
    void shouldPublishTheIdentifiersAnEventResolvedWithInTheWorkspacesNormalForm() {
        String workspaceId = Workspaces.fresh();
        body(api.put("/v1/identity-rules", infrastructure.token(workspaceId, "identity:write"), """
                {"defaultRegion": "GB", "blockedValues": ["guest"],
                 "customIdentifiers": [{"type": "crm_id", "paths": ["traits.crm"]}]}"""), 200);

        EventResolved resolved = resolve(infrastructure, TestEvents.identify(workspaceId, " u-gb ", "Guest",
                "{\"phone\": \"020 7946 0958\", \"crm\": \" C-77 \", \"email\": \" Jo@Example.COM\"}")).getFirst();

        assertThat(resolved.identifiers()).as("normalised, the custom identifier in, the blocked anonymousId out")
                .containsExactly(new Identifier("crm_id", "C-77"), new Identifier("email", "jo@example.com"),
                        new Identifier("phone", "+442079460958"), new Identifier("user_id", "u-gb"));
        // identity answers a lookup by each of them with the event's profile
        String reader = infrastructure.token(workspaceId, "identity:read");
        for (Identifier identifier : resolved.identifiers()) {
            assertThat(body(api.get("/v1/identities/" + identifier.type() + "/" + identifier.value(), reader), 200)
                    .path("profileId").asString()).as(identifier.toString()).isEqualTo(resolved.profileId());
        }
        assertProblem(api.get("/v1/identities/anonymous_id/Guest", reader), 404, "identity_not_found");
    }

    @Test
    void shouldNeverLinkBlockedValues() {
        String zeros = "00000000-0000-0000-0000-000000000000";
        String first = resolveOne(TestEvents.identify("ws_blocked", "u-a", zeros, "{\"email\": \"null\"}"));
        String second = resolveOne(TestEvents.identify("ws_blocked", "u-b", zeros, "{\"email\": \"null\"}"));

        assertThat(second).isNotEqualTo(first);
        assertThat(jdbc.queryForList("SELECT type || ':' || value FROM identities WHERE workspace_id = 'ws_blocked'",
                String.class)).containsExactlyInAnyOrder("user_id:u-a", "user_id:u-b");
        assertProblem(api.get("/v1/identities/anonymous_id/" + zeros, infrastructure.token("ws_blocked",
                "profiles:read")), 404, "identity_not_found");
    }

    @Test
    void shouldNormaliseEmailsAndPhonesBeforeMatching() {
        String first = resolveOne(TestEvents.identify("ws_norm", "u-norm", null,
                "{\"email\": \" Mixed.Case@Example.COM\", \"phone\": \"+1 (650) 253-0000\"}"));

        String byEmail = resolveOne(TestEvents.withContext("ws_norm", null, "a-email",
                "{\"traits\": {\"email\": \"mixed.case@example.com\"}}"));
        String byPhone = resolveOne(TestEvents.identify("ws_norm", null, "a-phone", "{\"phone\": \"+16502530000\"}"));
        String invalid = resolveOne(TestEvents.identify("ws_norm", null, "a-invalid", "{\"phone\": \"555\"}"));

        assertThat(byEmail).isEqualTo(first);
        assertThat(byPhone).isEqualTo(first);
        assertThat(invalid).isNotEqualTo(first);
        assertThat(count("SELECT count(*) FROM identities WHERE workspace_id = 'ws_norm' AND type = 'phone'"))
                .isEqualTo(1);
    }

    @Test
    void shouldMergeAnAliasPreviousIdIntoTheUsersProfileUnderTheAliasRule() {
        String anonymous = resolveOne(TestEvents.track("ws_alias", null, "anon-before-login"));
        String user = resolveOne(TestEvents.track("ws_alias", "u-alias", null));

        try (TopicReader merges = infrastructure.read(Topics.MERGES)) {
            String aliased = resolveOne(TestEvents.alias("ws_alias", "u-alias", "anon-before-login"));
            ProfilesMerged merged = MessageCodec.read(merges.await(r -> r.key().startsWith("ws_alias:"), 1, TIMEOUT)
                    .getFirst().value(), ProfilesMerged.class);

            assertThat(aliased).isEqualTo(anonymous);
            assertThat(merged.survivorId()).isEqualTo(anonymous);
            assertThat(merged.mergedIds()).containsExactly(user);
            assertThat(merged.rule()).isEqualTo("alias");
        }
        assertThat(profileOf("ws_alias", "user_id", "u-alias")).isEqualTo(anonymous);
    }

    @Test
    void shouldLinkProfilesThroughExternalIds() {
        String first = resolveOne(TestEvents.withContext("ws_external", null, "a-ext-1",
                "{\"externalIds\": [{\"id\": \"hs-1\", \"type\": \"HubSpot_ID\", \"collection\": \"users\", "
                        + "\"encoding\": \"none\"}]}"));

        String second = resolveOne(TestEvents.withContext("ws_external", null, "a-ext-2",
                "{\"externalIds\": [{\"id\": \"hs-1\", \"type\": \"hubspot_id\", \"collection\": \"users\"}, "
                        + "{\"id\": \"acc-1\", \"type\": \"account_id\", \"collection\": \"accounts\"}]}"));

        assertThat(second).isEqualTo(first);
        assertThat(profileOf("ws_external", "anonymous_id", "a-ext-2")).isEqualTo(first);
        assertThat(profileOf("ws_external", "account_id", "acc-1")).as("not a users collection").isNull();
        assertThat(body(api.get("/v1/identities/hubspot_id/hs-1",
                infrastructure.token("ws_external", "profiles:read")), 200).path("profileId").asString()).isEqualTo(first);
    }

    @Test
    void shouldStopMergingAtTheWorkspacesMergeCap() {
        body(api.put("/v1/identity-rules", infrastructure.token("ws_cap", "identity:write"),
                "{\"caps\": {\"maxMergesPerProfile\": 0}}"), 200);
        String first = resolveOne(TestEvents.track("ws_cap", null, "a-cap-1"));
        String second = resolveOne(TestEvents.withContext("ws_cap", null, "a-cap-2", "{\"device\": {\"id\": \"d-cap\"}}"));

        String bridging = resolveOne(TestEvents.withContext("ws_cap", null, "a-cap-1",
                "{\"device\": {\"id\": \"d-cap\"}}"));

        assertThat(bridging).as("the anonymous id is dropped, the device decides").isEqualTo(second);
        assertThat(profileOf("ws_cap", "anonymous_id", "a-cap-1")).isEqualTo(first);
        assertThat(count("SELECT count(*) FROM profiles WHERE workspace_id = 'ws_cap' AND merged_into IS NOT NULL"))
                .isZero();
    }

    @Test
    void shouldKeepWorkspacesApart() {
        String inA = resolveOne(TestEvents.identify("ws_iso_a", null, "a-iso", "{\"email\": \"same@example.com\"}"));
        String inB = resolveOne(TestEvents.identify("ws_iso_b", null, "a-iso", "{\"email\": \"same@example.com\"}"));
        body(api.put("/v1/identity-rules", infrastructure.token("ws_iso_a", "identity:write"),
                "{\"blockedValues\": [\"a-iso-2\"]}"), 200);

        assertThat(inB).isNotEqualTo(inA);
        String tokenB = infrastructure.token("ws_iso_b", "profiles:read identity:read");
        assertThat(api.get("/v1/profiles/" + inA + "/merges", tokenB).statusCode()).isEqualTo(404);
        assertThat(body(api.get("/v1/identities/email/same@example.com", tokenB), 200).path("profileId").asString())
                .isEqualTo(inB);
        JsonNode rulesOfB = body(api.get("/v1/identity-rules", tokenB), 200);
        assertThat(rulesOfB.path("version").asLong()).isZero();
        assertThat(rulesOfB.path("blockedValues").size()).isZero();
    }

    private String resolveOne(EventAccepted event) {
        return resolve(infrastructure, event).getFirst().profileId();
    }

    private String profileOf(String workspaceId, String type, String value) {
        return jdbc.queryForList("SELECT profile_id FROM identities WHERE workspace_id = ? AND type = ? AND value = ?",
                String.class, workspaceId, type, value).stream().findFirst().orElse(null);
    }

    private long count(String sql) {
        Long value = jdbc.queryForObject(sql, Long.class);
        return value == null ? 0 : value;
    }
}
