package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.ConsumerFeed;
import org.opencdp.profile.ProfileEvents;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18: the hand-over between a computed trait's backfill and incremental tracking is exact
 * whatever the interleaving of a backfill batch and a chunk of events, each in its own transaction
 * on PostgreSQL. Each test forces one interleaving: a third transaction of the test holds a row lock
 * the backfill batch (or the chunk) is known to need, the test waits (on {@code pg_stat_activity})
 * until that transaction is parked on it at the right point, lets the other side run as far as it
 * can, then releases the lock. The events go through the resolved-events listener and the kit's
 * batch consumer (the listener is fed directly, from a test thread); the backfill is the scheduled
 * worker.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=profile-service", "spring.kafka.listener.auto-startup=false",
                "cdp.profile.retention.maintenance-enabled=false",
                "cdp.profile.computed-traits.backfill-batch-size=2",
                "cdp.profile.computed-traits.backfill-interval=100ms"})
class BackfillHandOverIT {

    private static final String ORDER = "Order Completed";
    private static final Instant T = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    DefinitionService definitions;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    /** One feed for the class's context: its offsets keep growing from test to test. */
    private static ConsumerFeed feed;

    @BeforeEach
    void feed() {
        if (feed == null) {
            feed = ConsumerFeed.of(listeners, Topics.RESOLVED_EVENTS, 0);
        }
    }

    @Test
    void shouldCountTheEventsOfAProfileCreatedDuringTheLastBackfillBatch() throws Exception {
        String ws = "ws_handover_last";
        order(ws, "p-1", "e-1");
        try (Connection blocker = lockProfile(ws, "p-1")) {
            create(ws, "orders");
            // the batch has taken its snapshot and waits for p-1: it is the last one (1 profile < 2)
            awaitWaiting("SELECT id FROM profiles WHERE workspace_id%FOR UPDATE", "transactionid");

            CompletableFuture<Void> chunk = CompletableFuture.runAsync(() -> order(ws, "p-2", "e-2"));
            await().atMost(TIMEOUT).until(() -> isWaiting("SELECT pg_advisory_xact_lock_shared%", "advisory")
                    || chunk.isDone());

            blocker.rollback();
            chunk.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        awaitReady(ws, "orders");
        assertThat(value(ws, "p-1", "orders")).isEqualTo(1);
        assertThat(value(ws, "p-2", "orders")).as("issue 18: the new profile's event is counted").isEqualTo(1);
    }

    @Test
    void shouldCountTheEventsOfAProfileCreatedInsideARunningBatch() throws Exception {
        String ws = "ws_handover_inside";
        order(ws, "p-a", "e-a");
        order(ws, "p-c", "e-c");
        order(ws, "p-e", "e-e");
        try (Connection blocker = lockProfile(ws, "p-c")) {
            create(ws, "orders");
            // the first batch (p-a, p-c) has taken its snapshot and waits for p-c
            awaitWaiting("SELECT id FROM profiles WHERE workspace_id%FOR UPDATE", "transactionid");

            CompletableFuture<Void> chunk = CompletableFuture.runAsync(() -> order(ws, "p-b", "e-b"));
            await().atMost(TIMEOUT).until(() -> isWaiting("SELECT pg_advisory_xact_lock_shared%", "advisory")
                    || chunk.isDone());

            blocker.rollback();
            chunk.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        awaitReady(ws, "orders");
        for (String profileId : List.of("p-a", "p-b", "p-c", "p-e")) {
            assertThat(value(ws, profileId, "orders")).as("issue 18: " + profileId).isEqualTo(1);
        }
        order(ws, "p-b", "e-b2");
        assertThat(value(ws, "p-b", "orders")).as("then counted incrementally").isEqualTo(2);
    }

    @Test
    void shouldCountTheEventsOfAChunkInFlightWhenTheDefinitionIsCreated() throws Exception {
        String ws = "ws_handover_new_definition";
        CompletableFuture<Void> chunk;
        try (Connection blocker = claimMessageId(ws, "e-new")) {
            // the chunk has read the definitions (none yet) and waits to claim its messageId
            chunk = CompletableFuture.runAsync(() -> order(ws, "p-new", "e-new"));
            awaitWaiting("INSERT INTO event_keys%", "transactionid");

            create(ws, "orders");
            await().atMost(TIMEOUT).until(() -> isWaiting("SELECT pg_advisory_xact_lock(%", "advisory")
                    || "ready".equals(status(ws, "orders")));

            blocker.rollback();
        }
        chunk.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        awaitReady(ws, "orders");
        assertThat(value(ws, "p-new", "orders")).as("issue 18: counted by the backfill").isEqualTo(1);
    }

    /** One chunk of one {@code Order Completed} event, through the listener and the batch consumer. */
    private void order(String ws, String profileId, String messageId) {
        feed.deliver(List.of(ProfileEvents.track(ws, profileId, messageId, T, ORDER, "{\"total\":10}")));
    }

    private void create(String ws, String key) {
        definitions.create(ws, ProfileEvents.object(
                "{\"key\":\"" + key + "\",\"aggregation\":\"count\",\"event\":\"" + ORDER + "\"}"));
    }

    /** A transaction of the test holding a profile's row lock until rolled back. */
    private Connection lockProfile(String ws, String profileId) throws SQLException {
        return holding("SELECT 1 FROM profiles WHERE workspace_id = ? AND id = ? FOR UPDATE", ws, profileId);
    }

    /** A transaction of the test holding a messageId's claim (uncommitted) until rolled back. */
    private Connection claimMessageId(String ws, String messageId) throws SQLException {
        return holding("INSERT INTO event_keys (workspace_id, message_id, occurred_at) VALUES (?, ?, now())", ws,
                messageId);
    }

    private Connection holding(String sql, String ws, String id) throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, ws);
            statement.setString(2, id);
            statement.execute();
        }
        return connection;
    }

    private void awaitWaiting(String query, String waitEvent) {
        await().atMost(TIMEOUT).until(() -> isWaiting(query, waitEvent));
    }

    /** Whether a backend of this database runs a statement like {@code query} and waits for a lock. */
    private boolean isWaiting(String query, String waitEvent) {
        Long waiting = jdbc.queryForObject("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                  AND wait_event = ? AND query LIKE ?""", Long.class, waitEvent, query);
        return waiting != null && waiting > 0;
    }

    private void awaitReady(String ws, String key) {
        await().atMost(TIMEOUT).until(() -> "ready".equals(status(ws, key)));
    }

    private String status(String ws, String key) {
        return jdbc.queryForList("SELECT status FROM computed_trait_definitions WHERE workspace_id = ? AND key = ?",
                String.class, ws, key).stream().findFirst().orElse(null);
    }

    private Long value(String ws, String profileId, String key) {
        List<String> values = jdbc.queryForList("""
                SELECT value::text FROM computed_traits WHERE workspace_id = ? AND profile_id = ? AND trait_key = ?""",
                String.class, ws, profileId, key);
        if (values.isEmpty()) {
            return null;
        }
        JsonNode value = ProfileEvents.object("{\"v\":" + values.getFirst() + "}").get("v");
        return value.asLong();
    }
}
