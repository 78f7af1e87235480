package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
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
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 15: the kit's error model on the real broker and database. Infrastructure errors (PostgreSQL
 * refusing every connection for a while) are retried until it is back and never dead-lettered;
 * content errors (a check constraint the message's own data breaks) are dead-lettered with the
 * reason; programming errors (a NullPointerException) are retried, counted and logged, never
 * dead-lettered. The retry time that used to dead-letter good records is set to one second here, so
 * the old behaviour would fail these tests.
 */
@CdpIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = KitSmokeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=kit-smoke", "cdp.kit.kafka.max-retry-time=1s",
                "cdp.kit.kafka.max-retry-interval=1s", "spring.datasource.hikari.connection-timeout=2000"})
class ConsumerErrorModelIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String DEAD_LETTERS = Topics.deadLetters("kit-smoke");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KitSmokeApplication.NoteService notes;

    @Test
    void shouldApplyEverythingAfterPostgresComesBackAndDeadLetterNothing() throws Exception {
        List<ConsentChanged> messages = IntStream.range(0, 20).mapToObj(i -> message("ws_outage", "outage-" + i))
                .toList();
        double infrastructureBefore = errors("infrastructure");
        double programmingBefore = errors("programming");

        try (TopicReader deadLetters = infrastructure.read(DEAD_LETTERS)) {
            try {
                infrastructure.refuseConnections(true);
                send(messages);

                // the consumer keeps failing on the database, far longer than the old 1 s retry time
                await().atMost(TIMEOUT).until(() -> errors("infrastructure") >= infrastructureBefore + 4);
            } finally {
                infrastructure.refuseConnections(false);
            }

            // the test's own pool may still be refilling after the outage: its failures are not the consumer's
            await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(CannotGetJdbcConnectionException.class)
                    .untilAsserted(() -> assertThat(jdbc.queryForList(
                    "SELECT profile_id FROM consumed WHERE profile_id LIKE 'outage-%'", String.class))
                    .containsExactlyInAnyOrderElementsOf(messages.stream().map(ConsentChanged::profileId).toList()));
            assertThat(deadLetters.drain(r -> r.key() != null && r.key().startsWith("ws_outage:"),
                    Duration.ofSeconds(3))).as("nothing is dead-lettered while the database is away").isEmpty();
        }
        assertThat(errors("programming")).as("an outage is not a bug").isEqualTo(programmingBefore);
    }

    @Test
    void shouldDeadLetterAMessageWhoseOwnDataBreaksAConstraintWithTheReason() {
        ConsentChanged tooLong = message("ws_content", "x".repeat(100));
        ConsentChanged fine = message("ws_content", "content-fine");

        try (TopicReader deadLetters = infrastructure.read(DEAD_LETTERS)) {
            send(List.of(tooLong, fine));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(r -> tooLong.key().equals(r.key()), 1,
                    TIMEOUT);
            assertThat(dead).hasSize(1);
            assertThat(MessageCodec.read(dead.getFirst().value(), ConsentChanged.class).id()).isEqualTo(tooLong.id());
            assertThat(TopicReader.header(dead.getFirst(), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(TopicReader.header(dead.getFirst(), KafkaConfiguration.DLT_ERROR))
                    .contains("consumed_profile_id_length");
            await().atMost(TIMEOUT).until(() -> count("content-fine") == 1);
        }
        assertThat(errors("content")).isPositive();
    }

    @Test
    @Order(1)
    void shouldExportTheErrorCounterForEveryKindBeforeAnyFailureSoAlertsSeeTheFirstOne() {
        for (String kind : List.of("content", "infrastructure", "programming")) {
            Counter counter = meters.find("cdp.consumer.errors").tags("kind", kind, "service", "kit-smoke",
                    "topic", Topics.CONSENT_CHANGES).counter();
            assertThat(counter).as("cdp_consumer_errors_total{kind=%s}", kind).isNotNull();
            assertThat(counter.count()).as("no failure yet (this test runs first)").isZero();
        }
    }

    @Test
    void shouldRetryAProgrammingErrorCountItAndNeverDeadLetterIt() {
        ConsentChanged buggy = message("ws_bug", "bug-1");
        double before = errors("programming");

        try (TopicReader deadLetters = infrastructure.read(DEAD_LETTERS)) {
            send(List.of(buggy));

            await().atMost(TIMEOUT).until(() -> errors("programming") >= before + 3);
            assertThat(ApiClient.onPort(port).get("/actuator/prometheus", null).body()).contains(
                    "cdp_consumer_errors_total{kind=\"programming\",service=\"kit-smoke\",topic=\""
                            + Topics.CONSENT_CHANGES + "\"}");
            assertThat(deadLetters.drain(r -> buggy.key().equals(r.key()), Duration.ofSeconds(3)))
                    .as("a bug is not bad data").isEmpty();
            assertThat(count("bug-1")).isZero();

            // a fixed version is deployed: the record that waited is applied, once
            notes.fixBug();
            await().atMost(TIMEOUT).until(() -> count("bug-1") == 1);
            assertThat(deadLetters.drain(r -> buggy.key().equals(r.key()), Duration.ofSeconds(1))).isEmpty();
        }
    }


    private void send(List<ConsentChanged> messages) {
        try (TopicWriter writer = infrastructure.writer()) {
            writer.sendAll(messages);
        }
    }

    private double errors(String kind) {
        Counter counter = meters.find("cdp.consumer.errors").tags("kind", kind, "service", "kit-smoke",
                "topic", Topics.CONSENT_CHANGES).counter();
        return counter == null ? 0 : counter.count();
    }

    private long count(String profileId) {
        Long value = jdbc.queryForObject("SELECT count(*) FROM consumed WHERE profile_id = ?", Long.class, profileId);
        return value == null ? 0 : value;
    }

    private static ConsentChanged message(String workspace, String profileId) {
        return new ConsentChanged(UUID.randomUUID(), workspace, Instant.now(), profileId, Map.of("marketing", true));
    }
}
