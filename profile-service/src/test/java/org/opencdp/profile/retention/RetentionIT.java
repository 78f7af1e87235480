package org.opencdp.profile.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.profile.ProfileDriver.TIMEOUT;
import static org.opencdp.profile.ProfileEvents.track;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.profile.ProfileDriver;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Retention: monthly partitions created ahead (rows moved out of the default partition), whole
 * partitions dropped past the longest retention, per-workspace deletion for shorter retentions, and
 * de-duplication forgotten with the events. The maintenance job runs here only when a test calls it,
 * as of the time the test gives.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false",
                "cdp.profile.retention.batch-size=2"})
class RetentionIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PartitionMaintenance maintenance;

    private ProfileDriver client;
    private ApiClient api;

    @BeforeEach
    void connect() {
        client = new ProfileDriver(infrastructure, port);
        api = client.api();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void shouldCreateMonthlyPartitionsAheadAndMoveEventsOutOfTheDefaultPartition() {
        String ws = "ws_ret_parts";
        String profileId = "p-" + UUID.randomUUID();
        Instant future = NOW.plus(Duration.ofDays(150));
        client.send(track(ws, profileId, "recent", NOW.minus(Duration.ofDays(10)), "Viewed", "{}"),
                track(ws, profileId, "future", future, "Viewed", "{}"));
        client.awaitEvents(ws, profileId, 2);

        maintenance.run(NOW, 2);

        assertThat(partitionOf(ws, "recent")).isEqualTo(RetentionPlan.partitionName(month(NOW.minus(Duration.ofDays(10)))));
        assertThat(partitionOf(ws, "future")).as("beyond the partitions ahead").isEqualTo("events_default");
        for (YearMonth m = month(NOW.minus(Duration.ofDays(365))); !m.isAfter(month(NOW).plusMonths(2)); m = m.plusMonths(1)) {
            assertThat(partitions()).contains(RetentionPlan.partitionName(m));
        }

        PartitionMaintenance.Report later = maintenance.run(NOW, 8);

        assertThat(later.created()).contains(RetentionPlan.partitionName(month(future)));
        assertThat(later.movedFromDefault()).isGreaterThanOrEqualTo(1);
        assertThat(partitionOf(ws, "future")).isEqualTo(RetentionPlan.partitionName(month(future)));
        assertThat(client.awaitEvents(ws, profileId, 2)).as("still served").hasSize(2);

        // two instances at once: each month is created exactly once, neither fails
        var first = CompletableFuture.supplyAsync(() -> maintenance.run(NOW, 10));
        var second = CompletableFuture.supplyAsync(() -> maintenance.run(NOW, 10));
        List<String> created = new ArrayList<>(first.join().created());
        created.addAll(second.join().created());
        assertThat(created).containsExactlyInAnyOrder(RetentionPlan.partitionName(month(NOW).plusMonths(9)),
                RetentionPlan.partitionName(month(NOW).plusMonths(10)));
    }

    @Test
    void shouldDropPartitionsPastTheLongestRetentionAndForgetTheirMessageIds() {
        String ws = "ws_ret_drop";
        String profileId = "p-" + UUID.randomUUID();
        Instant old = NOW.minus(Duration.ofDays(400));
        client.send(track(ws, profileId, "old", old, "Viewed", "{}"),
                track(ws, profileId, "kept", NOW.minus(Duration.ofDays(100)), "Viewed", "{}"));
        client.awaitEvents(ws, profileId, 2);
        String oldPartition = RetentionPlan.partitionName(month(old));
        // two months ago, that month was still within the retention: its partition was made then
        maintenance.run(NOW.minus(Duration.ofDays(60)), 2);
        assertThat(partitionOf(ws, "old")).isEqualTo(oldPartition);

        PartitionMaintenance.Report report = maintenance.run(NOW, 2);

        assertThat(report.dropped()).contains(oldPartition);
        assertThat(partitions()).doesNotContain(oldPartition);
        assertThat(messageIds(ws, profileId)).containsExactly("kept");
        assertThat(keys(ws, "old")).isZero();
        assertThat(keys(ws, "kept")).isOne();

        // the messageId is no longer remembered: the same event is stored again (and expires again)
        client.send(track(ws, profileId, "old", old, "Viewed", "{}"));
        await().atMost(TIMEOUT).until(() -> messageIds(ws, profileId).contains("old"));
        assertThat(partitionOf(ws, "old")).isEqualTo("events_default");
        PartitionMaintenance.Report again = maintenance.run(NOW, 2);
        assertThat(again.deletedEvents()).isGreaterThanOrEqualTo(1);
        assertThat(messageIds(ws, profileId)).containsExactly("kept");
        assertThat(keys(ws, "old")).isZero();
    }

    @Test
    void shouldDeleteEventsOlderThanAWorkspacesShorterRetentionAndKeepTheOthers() {
        String shortWs = "ws_ret_short";
        String longWs = "ws_ret_long";
        String plainWs = "ws_ret_plain";
        String writer = infrastructure.token(shortWs, "profiles:write");
        String longWriter = infrastructure.token(longWs, "profiles:write");
        try {
            JsonNode set = body(api.put("/v1/settings/retention", writer, "{\"retentionDays\":30}"), 200);
            assertThat(set.path("retentionDays").asInt()).isEqualTo(30);
            assertThat(set.path("source").asString()).isEqualTo("workspace");
            assertThat(set.path("defaultRetentionDays").asInt()).isEqualTo(365);
            body(api.put("/v1/settings/retention", longWriter, "{\"retentionDays\":730}"), 200);
            JsonNode plain = body(api.get("/v1/settings/retention", client.token(plainWs)), 200);
            assertThat(plain.path("retentionDays").asInt()).isEqualTo(365);
            assertThat(plain.path("source").asString()).isEqualTo("default");
            assertProblem(api.put("/v1/settings/retention", writer, "{\"retentionDays\":0}"), 400,
                    "validation_failed");
            assertProblem(api.put("/v1/settings/retention", client.token(shortWs), "{\"retentionDays\":10}"), 403,
                    "missing_scope");
            assertThat(body(api.get("/v1/settings/retention", client.token(shortWs)), 200).path("retentionDays").asInt())
                    .isEqualTo(30);

            String s = "s-" + UUID.randomUUID();
            String p = "p-" + UUID.randomUUID();
            String l = "l-" + UUID.randomUUID();
            client.send(track(shortWs, s, "short-old", NOW.minus(Duration.ofDays(40)), "Viewed", "{}"),
                    track(shortWs, s, "short-new", NOW.minus(Duration.ofDays(5)), "Viewed", "{}"),
                    track(plainWs, p, "plain-old", NOW.minus(Duration.ofDays(400)), "Viewed", "{}"),
                    track(plainWs, p, "plain-mid", NOW.minus(Duration.ofDays(40)), "Viewed", "{}"),
                    track(longWs, l, "long-old", NOW.minus(Duration.ofDays(400)), "Viewed", "{}"));
            client.awaitEvents(shortWs, s, 2);
            client.awaitEvents(plainWs, p, 2);
            client.awaitEvents(longWs, l, 1);

            PartitionMaintenance.Report report = maintenance.run(NOW, 2);

            assertThat(report.deletedEvents()).isGreaterThanOrEqualTo(2);
            assertThat(messageIds(shortWs, s)).containsExactly("short-new");
            assertThat(messageIds(plainWs, p)).as("the default retention (365 days), shorter than 730")
                    .containsExactly("plain-mid");
            assertThat(messageIds(longWs, l)).containsExactly("long-old");
            assertThat(partitionOf(longWs, "long-old")).isEqualTo(RetentionPlan.partitionName(
                    month(NOW.minus(Duration.ofDays(400)))));
            assertThat(keys(shortWs, "short-old")).isZero();
            assertThat(keys(plainWs, "plain-old")).isZero();
            assertThat(keys(longWs, "long-old")).isOne();

            client.send(track(shortWs, s, "short-old", NOW.minus(Duration.ofDays(40)), "Viewed", "{}"));
            await().atMost(TIMEOUT).until(() -> messageIds(shortWs, s).contains("short-old"));
        } finally {
            body(api.put("/v1/settings/retention", writer, "{\"retentionDays\":null}"), 200);
            body(api.put("/v1/settings/retention", longWriter, "{}"), 200);
        }
        assertThat(body(api.get("/v1/settings/retention", client.token(shortWs)), 200).path("source").asString())
                .isEqualTo("default");
    }

    private String partitionOf(String ws, String messageId) {
        return jdbc.queryForList("SELECT tableoid::regclass::text FROM events WHERE workspace_id = ? AND message_id = ?",
                String.class, ws, messageId).stream().findFirst().orElse(null);
    }

    private List<String> partitions() {
        return jdbc.queryForList("""
                SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'events'::regclass""", String.class);
    }

    private List<String> messageIds(String ws, String profileId) {
        return jdbc.queryForList("SELECT message_id FROM events WHERE workspace_id = ? AND profile_id = ? ORDER BY 1",
                String.class, ws, profileId);
    }

    private long keys(String ws, String messageId) {
        return Optional.ofNullable(jdbc.queryForObject(
                "SELECT count(*) FROM event_keys WHERE workspace_id = ? AND message_id = ?", Long.class, ws, messageId))
                .orElse(0L);
    }

    private static YearMonth month(Instant instant) {
        return RetentionPlan.monthOf(instant);
    }
}
