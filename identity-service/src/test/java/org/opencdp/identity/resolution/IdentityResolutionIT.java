package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.identity.ResolvedEvents.TIMEOUT;
import static org.opencdp.identity.ResolvedEvents.header;
import static org.opencdp.identity.ResolvedEvents.onPartition;
import static org.opencdp.identity.ResolvedEvents.resolve;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.ResolvedEvents;
import org.opencdp.identity.TestEvents;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.jdbc.core.JdbcTemplate;

@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=identity-service", "spring.kafka.listener.concurrency=3"})
class IdentityResolutionIT {

    /** Partitions of the contract topics under test (cdp.kit.kafka.partitions of the test infrastructure). */
    private static final int PARTITIONS = 3;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @BeforeEach
    void listenersOwnTheEventsTopic() {
        ResolvedEvents.awaitListenersAssigned(listeners, PARTITIONS);
    }

    @Test
    void shouldPublishAResolvedEventWithANewProfileKeyedByProfileWithCloudEventHeaders() {
        EventAccepted accepted = TestEvents.track("ws_a", "u-headers", "a-headers");

        try (TopicWriter writer = infrastructure.writer();
             TopicReader reader = infrastructure.read(Topics.RESOLVED_EVENTS)) {
            writer.send(Topics.EVENTS, Topics.key("ws_a", "u-headers"), MessageCodec.toJson(accepted));
            List<ConsumerRecord<String, String>> records = reader.await(
                    r -> accepted.event().messageId().equals(ResolvedEvents.messageIdOf(r)), 1, TIMEOUT);

            assertThat(records).hasSize(1);
            ConsumerRecord<String, String> record = records.getFirst();
            EventResolved resolved = MessageCodec.read(record.value(), EventResolved.class);
            assertThat(UUID.fromString(resolved.profileId())).isNotNull();
            assertThat(resolved.id()).isNotEqualTo(accepted.id());
            assertThat(resolved.workspaceId()).isEqualTo("ws_a");
            assertThat(resolved.sourceId()).isEqualTo(accepted.sourceId());
            assertThat(resolved.occurredAt()).isEqualTo(accepted.occurredAt());
            assertThat(resolved.receivedAt()).isEqualTo(accepted.receivedAt());
            assertThat(resolved.event()).isEqualTo(accepted.event());
            assertThat(record.key()).isEqualTo("ws_a:" + resolved.profileId());
            assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(header(record, CloudEventHeaders.ID)).isEqualTo(resolved.id().toString());
            assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("cdp.identity.event-resolved");
            assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("/opencdp/identity");
            assertThat(header(record, CloudEventHeaders.SUBJECT)).isEqualTo(resolved.profileId());
            assertThat(header(record, CloudEventHeaders.WORKSPACE)).isEqualTo("ws_a");
            assertThat(Instant.parse(header(record, CloudEventHeaders.TIME))).isEqualTo(accepted.occurredAt());
            assertThat(profileOf("ws_a", "user_id", "u-headers")).isEqualTo(resolved.profileId());
            assertThat(profileOf("ws_a", "anonymous_id", "a-headers")).isEqualTo(resolved.profileId());
        }
    }

    @Test
    void shouldResolveEventsWithTheSameUserIdToTheSameProfile() {
        List<EventResolved> resolved = resolve(infrastructure,
                TestEvents.track("ws_a", "u-same", null),
                TestEvents.track("ws_a", "u-same", "a-same-device"),
                TestEvents.track("ws_a", "u-other", null));

        assertThat(resolved.get(1).profileId()).isEqualTo(resolved.get(0).profileId());
        assertThat(resolved.get(2).profileId()).isNotEqualTo(resolved.get(0).profileId());
    }

    @Test
    void shouldKeepTheAnonymousProfileWhenTheVisitorIdentifies() {
        String anonymous = resolve(infrastructure, TestEvents.track("ws_a", null, "a-visitor")).getFirst().profileId();

        String identified = resolve(infrastructure, TestEvents.track("ws_a", "u-visitor", "a-visitor")).getFirst()
                .profileId();
        String later = resolve(infrastructure, TestEvents.track("ws_a", "u-visitor", null)).getFirst().profileId();

        assertThat(identified).isEqualTo(anonymous);
        assertThat(later).isEqualTo(anonymous);
        assertThat(profileOf("ws_a", "user_id", "u-visitor")).isEqualTo(anonymous);
    }

    @Test
    void shouldMergeTheAnonymousProfileIntoTheOlderUserProfileWhenAnEventCarriesBoth() {
        String userProfile = resolve(infrastructure, TestEvents.track("ws_a", "u-split", null)).getFirst().profileId();
        String anonymousProfile = resolve(infrastructure, TestEvents.track("ws_a", null, "a-split")).getFirst()
                .profileId();

        String both = resolve(infrastructure, TestEvents.track("ws_a", "u-split", "a-split")).getFirst().profileId();

        assertThat(anonymousProfile).isNotEqualTo(userProfile);
        assertThat(both).isEqualTo(userProfile);
        assertThat(profileOf("ws_a", "anonymous_id", "a-split")).isEqualTo(userProfile);
        assertThat(jdbc.queryForObject("SELECT merged_into FROM profiles WHERE workspace_id = 'ws_a' AND id = ?",
                String.class, anonymousProfile)).isEqualTo(userProfile);
    }

    @Test
    void shouldCountEachResolutionByOutcomeAndEachMergeByRule() {
        String scrape = ApiClient.onPort(port).get("/actuator/prometheus", null).body();
        assertThat(scrape).contains("cdp_identity_resolutions_total{outcome=\"new_profile\"}",
                "cdp_identity_resolutions_total{outcome=\"existing_profile\"}",
                "cdp_identity_resolutions_total{outcome=\"merged\"}",
                "cdp_identity_merges_total{rule=\"flat_matching\"}", "cdp_identity_merges_total{rule=\"alias\"}");
        Map<String, Double> before = counters();

        resolve(infrastructure, TestEvents.track("ws_metrics", "u-metrics", null));               // new
        resolve(infrastructure, TestEvents.track("ws_metrics", "u-metrics", null));               // existing, unchanged
        resolve(infrastructure, TestEvents.track("ws_metrics", "u-metrics", "a-metrics-1"));      // existing, joined
        resolve(infrastructure, TestEvents.track("ws_metrics", null, "a-metrics-2"));             // new
        resolve(infrastructure, TestEvents.track("ws_metrics", "u-metrics", "a-metrics-2"));      // merged
        resolve(infrastructure, TestEvents.track("ws_metrics", null, "a-metrics-3"));             // new
        resolve(infrastructure, TestEvents.alias("ws_metrics", "u-metrics", "a-metrics-3"));      // merged by alias

        // counted after commit, which the resolved event's publication may overtake
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Map<String, Double> after = counters();
            assertThat(after.keySet().stream().collect(Collectors.toMap(k -> k, k -> after.get(k) - before.get(k))))
                    .isEqualTo(Map.of("new_profile", 3.0, "existing_profile", 2.0, "merged", 2.0,
                            "flat_matching", 1.0, "alias", 1.0));
        });
    }

    @Test
    void shouldGiveTheSameUserIdInAnotherWorkspaceItsOwnProfile() {
        List<EventResolved> resolved = resolve(infrastructure,
                TestEvents.track("ws_a", "u-tenant", null),
                TestEvents.track("ws_b", "u-tenant", null));

        assertThat(resolved.get(1).profileId()).isNotEqualTo(resolved.get(0).profileId());
        assertThat(profileOf("ws_b", "user_id", "u-tenant")).isEqualTo(resolved.get(1).profileId());
    }

    @Test
    void shouldPublishExactlyOneResolvedEventWhenAnEventIsDeliveredTwice() {
        EventAccepted duplicated = TestEvents.track("ws_a", "u-twice", null);
        EventAccepted next = TestEvents.track("ws_a", "u-twice", null);

        try (TopicWriter writer = infrastructure.writer();
             TopicReader reader = infrastructure.read(Topics.RESOLVED_EVENTS)) {
            writer.send(duplicated);
            writer.send(duplicated);
            writer.send(next);

            // same key, same partition, processed in order: once `next` is out, both copies were handled
            // and every resolved event they caused precedes it on the profile's partition
            reader.await(r -> next.event().messageId().equals(ResolvedEvents.messageIdOf(r)), 1, TIMEOUT);
            List<ConsumerRecord<String, String>> copies = reader.await(
                    r -> duplicated.event().messageId().equals(ResolvedEvents.messageIdOf(r)), 2, Duration.ZERO);

            assertThat(copies).hasSize(1);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = ? AND message_id = ?",
                Long.class, IdentityResolutionService.CONSUMER, duplicated.id())).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterMalformedRecordsAndEventsWithoutUsableIdsAndKeepConsuming() {
        EventAccepted withoutIds = TestEvents.track("ws_dlt", null, null);
        EventAccepted tooLong = TestEvents.track("ws_dlt", "u".repeat(513), null);
        EventAccepted valid = TestEvents.track("ws_dlt", "u-after-bad-ones", null);

        try (TopicWriter writer = infrastructure.writer();
             TopicReader deadLetters = infrastructure.read(Topics.deadLetters("identity"));
             TopicReader resolved = infrastructure.read(Topics.RESOLVED_EVENTS)) {
            // all on one partition, so the consumer that meets the bad ones must also get past them
            writer.sendAll(Topics.EVENTS, 0, List.of(Map.entry("ws_dlt:garbage", "{\"not\": \"an event\""),
                    Map.entry("ws_dlt:none", MessageCodec.toJson(withoutIds)),
                    Map.entry("ws_dlt:long", MessageCodec.toJson(tooLong)),
                    Map.entry(valid.key(), MessageCodec.toJson(valid))));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(
                    r -> r.key() != null && r.key().startsWith("ws_dlt:"), 3, TIMEOUT);
            List<ConsumerRecord<String, String>> after = resolved.await(
                    r -> valid.event().messageId().equals(ResolvedEvents.messageIdOf(r)), 1, TIMEOUT);

            assertThat(dead).extracting(ConsumerRecord::key)
                    .containsExactly("ws_dlt:garbage", "ws_dlt:none", "ws_dlt:long");
            assertThat(dead).allSatisfy(record -> {
                assertThat(header(record, KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
                assertThat(header(record, KafkaConfiguration.DLT_SERVICE)).isEqualTo("identity");
            });
            assertThat(header(dead.get(1), KafkaConfiguration.DLT_ERROR))
                    .contains("neither a userId nor an anonymousId");
            assertThat(header(dead.get(2), KafkaConfiguration.DLT_ERROR))
                    .contains("userId of 513 characters");
            assertThat(after).hasSize(1);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM identities WHERE workspace_id = 'ws_dlt'", Long.class))
                .isEqualTo(1);
    }

    @Test
    void shouldCreateExactlyOneProfilePerIdentifierWhenConsumersRace() {
        int racers = 15;
        int partitions = PARTITIONS;
        List<EventAccepted> events = new ArrayList<>();
        try (TopicWriter writer = infrastructure.writer();
             TopicReader reader = infrastructure.read(Topics.RESOLVED_EVENTS)) {
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            for (int racer = 0; racer < racers; racer++) {
                for (int partition = 0; partition < partitions; partition++) {
                    // the same new user on every partition at once: three consumer threads race for it
                    EventAccepted event = TestEvents.track("ws_race", "racer-" + racer,
                            "device-" + racer + "-" + partition);
                    events.add(event);
                    records.add(onPartition(partition, event));
                }
            }
            writer.sendAllRecords(records);

            List<EventResolved> resolved = reader.await(r -> r.key().startsWith("ws_race:"), events.size(),
                            Duration.ofSeconds(60)).stream()
                    .map(r -> MessageCodec.read(r.value(), EventResolved.class)).toList();

            assertThat(resolved).hasSize(events.size());
            Map<String, List<String>> profilesByUser = resolved.stream().collect(Collectors.groupingBy(
                    r -> r.event().userId(), Collectors.mapping(EventResolved::profileId, Collectors.toList())));
            assertThat(profilesByUser).hasSize(racers);
            profilesByUser.forEach((user, profiles) -> {
                assertThat(profiles).as(user).hasSize(partitions);
                assertThat(profiles.stream().distinct()).as(user).hasSize(1);
                assertThat(profileOf("ws_race", "user_id", user)).isEqualTo(profiles.getFirst());
            });
        }
        assertThat(count("SELECT count(*) FROM profiles WHERE workspace_id = 'ws_race'")).isEqualTo(racers);
        assertThat(count("SELECT count(DISTINCT profile_id) FROM identities WHERE workspace_id = 'ws_race'"))
                .isEqualTo(racers);
        assertThat(count("SELECT count(*) FROM identities WHERE workspace_id = 'ws_race' AND type = 'anonymous_id'"))
                .isEqualTo((long) racers * partitions);
    }

    @Test
    void shouldMergeEachPersonOnceIntoTheOldestProfileWhenPartitionsRaceToLinkThem() {
        int racers = 10;
        try (TopicWriter writer = infrastructure.writer();
             TopicReader resolvedReader = infrastructure.read(Topics.RESOLVED_EVENTS);
             TopicReader mergesReader = infrastructure.read(Topics.MERGES)) {
            // wave 1: three anonymous visits per person, one per partition: three profiles each
            List<EventAccepted> visits = new ArrayList<>();
            for (int racer = 0; racer < racers; racer++) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    visits.add(TestEvents.track("ws_merge_race", null, "visit-" + racer + "-" + partition));
                }
            }
            sendRoundRobin(writer, visits);
            resolvedReader.await(r -> r.key().startsWith("ws_merge_race:"), visits.size(), Duration.ofSeconds(60));
            // wave 2: on every partition at once, each visit learns the person's email; one also the user id
            List<EventAccepted> links = new ArrayList<>();
            for (int racer = 0; racer < racers; racer++) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    links.add(TestEvents.identify("ws_merge_race", partition == 2 ? "user-" + racer : null,
                            "visit-" + racer + "-" + partition, "{\"email\": \"Person" + racer + "@Example.com\"}"));
                }
            }
            sendRoundRobin(writer, links);

            resolvedReader.await(r -> r.key().startsWith("ws_merge_race:"), visits.size() + links.size(),
                    Duration.ofSeconds(60));
            List<ProfilesMerged> merges = mergesReader.await(r -> r.key().startsWith("ws_merge_race:"),
                    2 * racers, Duration.ofSeconds(30)).stream()
                    .map(r -> MessageCodec.read(r.value(), ProfilesMerged.class)).toList();

            assertThat(merges).hasSize(2 * racers);
            for (int racer = 0; racer < racers; racer++) {
                String survivor = profileOf("ws_merge_race", "email", "person" + racer + "@example.com");
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    assertThat(profileOf("ws_merge_race", "anonymous_id", "visit-" + racer + "-" + partition))
                            .as("racer %d partition %d", racer, partition).isEqualTo(survivor);
                }
                assertThat(profileOf("ws_merge_race", "user_id", "user-" + racer)).isEqualTo(survivor);
                List<String> originals = jdbc.query("""
                                WITH RECURSIVE person (id) AS (
                                    SELECT ?::text
                                    UNION SELECT p.id FROM profiles p JOIN person ON p.workspace_id = 'ws_merge_race'
                                                                           AND p.merged_into = person.id)
                                SELECT p.id FROM profiles p JOIN person USING (id)
                                WHERE p.workspace_id = 'ws_merge_race' ORDER BY p.created_at, p.id""",
                        (rs, i) -> rs.getString(1), survivor);
                assertThat(originals).as("the person's three first profiles").hasSize(3);
                assertThat(originals.getFirst()).as("the oldest survives").isEqualTo(survivor);
                assertThat(merges.stream().filter(m -> originals.contains(m.survivorId()))
                        .flatMap(m -> m.mergedIds().stream()).toList())
                        .containsExactlyInAnyOrderElementsOf(originals.subList(1, 3));
            }
        }
        assertThat(count("SELECT count(*) FROM profiles WHERE workspace_id = 'ws_merge_race' AND merged_into IS NULL"))
                .isEqualTo(racers);
        assertThat(count("SELECT count(*) FROM merges WHERE workspace_id = 'ws_merge_race'")).isEqualTo(2L * racers);
        // the per-profile counters the limits rely on match the identities
        assertThat(count("""
                SELECT count(*) FROM profiles p WHERE p.workspace_id = 'ws_merge_race' AND p.merged_into IS NULL
                  AND p.identifier_counts <> (SELECT jsonb_object_agg(type, n) FROM (SELECT type, count(*) AS n
                      FROM identities i WHERE i.workspace_id = p.workspace_id AND i.profile_id = p.id GROUP BY type) c)"""))
                .isZero();
    }

    /** Sends the events spread over the partitions (event i on partition i mod 3), all before waiting for acks. */
    private static void sendRoundRobin(TopicWriter writer, List<EventAccepted> events) {
        writer.sendAllRecords(IntStream.range(0, events.size())
                .mapToObj(i -> onPartition(i % PARTITIONS, events.get(i))).toList());
    }

    /** The resolution counters by outcome and the merge counters by rule, read from the registry. */
    private Map<String, Double> counters() {
        return Map.of(
                "new_profile", meters.get("cdp.identity.resolutions").tag("outcome", "new_profile").counter().count(),
                "existing_profile", meters.get("cdp.identity.resolutions").tag("outcome", "existing_profile").counter()
                        .count(),
                "merged", meters.get("cdp.identity.resolutions").tag("outcome", "merged").counter().count(),
                "flat_matching", meters.get("cdp.identity.merges").tag("rule", "flat_matching").counter().count(),
                "alias", meters.get("cdp.identity.merges").tag("rule", "alias").counter().count());
    }

    private String profileOf(String workspaceId, String type, String value) {
        return jdbc.queryForObject("SELECT profile_id FROM identities WHERE workspace_id = ? AND type = ? AND value = ?",
                String.class, workspaceId, type, value);
    }

    private long count(String sql) {
        Long value = jdbc.queryForObject(sql, Long.class);
        return value == null ? 0 : value;
    }
}
