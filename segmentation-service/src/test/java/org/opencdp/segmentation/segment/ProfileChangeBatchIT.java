package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;
import static org.opencdp.segmentation.segment.SegmentationDriver.header;
import static org.opencdp.segmentation.segment.SegmentationDriver.memberships;
import static org.opencdp.testsupport.ApiClient.json;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.segmentation.metrics.SegmentationMetrics;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 9: profile changes applied a chunk per transaction by the kit's batch consumer, on real
 * Kafka and PostgreSQL. Chunks hold three records here, so a handful of records spans several chunks;
 * records meant to arrive in one poll are produced in one producer batch (one append to the log,
 * so one fetch returns all of them).
 */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.kit.consumer.chunk-size=3",
                "cdp.segmentation.build.poll-interval=100ms", "cdp.segmentation.metrics.sizes-interval=200ms"})
class ProfileChangeBatchIT {

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";
    private static final String CONSUMER = "segmentation-profiles";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String ws = Workspaces.fresh();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcTemplate jdbc;

    private SegmentationDriver client;
    private ApiClient api;
    private TopicReader topic;
    private TopicWriter batching;

    @BeforeEach
    void connect() {
        client = new SegmentationDriver(infrastructure, ws, port);
        api = client.api();
        topic = infrastructure.read(Topics.MEMBERSHIPS);
        // a long linger: records sent together leave in one batch per partition
        batching = infrastructure.writer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 200,
                ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20));
    }

    @AfterEach
    void disconnect() {
        batching.close();
        topic.close();
        client.close();
    }

    @Test
    void shouldApplyAProfileChangeOnceWhenTheSameMessageComesTwiceInOneChunk() {
        String pro = readySegment("Pro", PRO);
        double chunksBefore = chunks();
        double appliedBefore = messages("applied");
        double duplicatesBefore = messages("duplicate");

        String entering = client.profileChanged(UUID.randomUUID(), "p1", "{\"plan\": \"pro\"}");
        List<RecordMetadata> sent = batching.sendAllRecords(List.of(record("p1", entering), record("p1", entering)));

        await().atMost(TIMEOUT).until(() -> messages("applied") - appliedBefore + messages("duplicate")
                - duplicatesBefore >= 2);
        assertThat(messages("applied") - appliedBefore).isEqualTo(1);
        assertThat(messages("duplicate") - duplicatesBefore).isEqualTo(1);
        assertThat(chunks() - chunksBefore).as("both records in one chunk").isEqualTo(1);
        assertThat(transitions(pro, sent)).containsExactly("p1 entered v1");
        assertThat(client.segmentsOf("p1")).containsExactly(pro);
    }

    @Test
    void shouldCountAChangeOnceWhenProfileServiceRepublishesItUnderANewMessageId() {
        String pro = readySegment("Pro", PRO);

        // the same change (the same version) under two message ids
        List<RecordMetadata> sent = batching.sendAllRecords(List.of(
                record("p1", SegmentationDriver.profileChanged(UUID.randomUUID(), ws, "p1", 1,
                        "{\"plan\": \"pro\", \"age\": 30}")),
                record("p1", SegmentationDriver.profileChanged(UUID.randomUUID(), ws, "p1", 1,
                        "{\"plan\": \"pro\", \"age\": 30}"))));

        topic.await(client.of(pro), 1, TIMEOUT);
        assertThat(transitions(pro, sent)).containsExactly("p1 entered v1");
        assertThat(client.previewSize("{\"trait\": \"age\", \"op\": \"eq\", \"value\": 30}")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterPoisonRecordsInTheMiddleOfAChunkAndApplyEveryOtherRecordOnce() {
        String pro = readySegment("Pro", PRO);
        UUID nulId = UUID.randomUUID();
        String undecodable = "{\"id\": \"not json";
        // built in the order they are sent: each is numbered next, and an older change than the profile holds is ignored
        String first = client.profileChanged(UUID.randomUUID(), "p1", "{\"plan\": \"pro\"}");
        String age = client.profileChanged(UUID.randomUUID(), "p1", "{\"age\": 41}");
        String nul = client.profileChanged(nulId, "p1", "{\"name\": \"a\\u0000b\"}");
        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("segmentation"))) {
            List<RecordMetadata> sent = batching.sendAllRecords(List.of(
                    record("p1", first),
                    record("p1", undecodable),
                    record("p1", age),
                    record("p1", nul),
                    record("p1", client.profileChanged(UUID.randomUUID(), "p1", "{\"plan\": \"free\"}")),
                    record("p1", client.profileChanged(UUID.randomUUID(), "p1", "{\"plan\": \"pro\", \"tier\": 2}"))));

            List<ConsumerRecord<String, String>> dead = deadLetters.await(
                    r -> Topics.key(ws, "p1").equals(r.key()), 2, TIMEOUT);
            assertThat(dead).extracting(ConsumerRecord::value).containsExactly(undecodable, nul);
            assertThat(dead).allSatisfy(r -> {
                assertThat(header(r, KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
                assertThat(header(r, KafkaConfiguration.DLT_ERROR)).isNotBlank();
            });
            assertThat(header(dead.get(1), KafkaConfiguration.DLT_ERROR)).contains(nulId.toString());

            topic.await(client.of(pro), 3, TIMEOUT);
            assertThat(transitions(pro, sent))
                    .containsExactly("p1 entered v1", "p1 exited v2", "p1 entered v3");
            assertThat(client.previewSize("{\"and\": [{\"trait\": \"age\", \"op\": \"eq\", \"value\": 41},"
                    + " {\"trait\": \"tier\", \"op\": \"eq\", \"value\": 2}, {\"trait\": \"name\", \"op\": \"not_exists\"}]}"))
                    .isEqualTo(1);
            // the dead letters were published before the records after them were applied
            assertThat(Published.toEnd(infrastructure, Topics.deadLetters("segmentation"),
                    r -> Topics.key(ws, "p1").equals(r.key()))).hasSize(2);
        }
    }

    @Test
    void shouldKeepEachProfilesOrderAcrossChunksOfThree() {
        String pro = readySegment("Pro", PRO);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        records.add(record("q", client.profileChanged(UUID.randomUUID(), "q", "{\"plan\": \"pro\"}")));
        for (String plan : List.of("pro", "free", "pro", "free", "pro", "free", "free")) {
            records.add(record("p", client.profileChanged(UUID.randomUUID(), "p", "{\"plan\": \"" + plan + "\"}")));
        }
        records.add(record("q", client.profileChanged(UUID.randomUUID(), "q", "{\"plan\": \"free\"}")));

        List<RecordMetadata> sent = batching.sendAllRecords(records);

        topic.await(client.of(pro), 8, TIMEOUT);
        List<String> changes = transitions(pro, sent);
        assertThat(changes.stream().filter(c -> c.startsWith("p ")).toList()).containsExactly(
                "p entered v1", "p exited v2", "p entered v3", "p exited v4", "p entered v5", "p exited v6");
        assertThat(changes.stream().filter(c -> c.startsWith("q ")).toList())
                .containsExactly("q entered v1", "q exited v2");
        assertThat(client.segmentsOf("p")).isEmpty();
        assertThat(client.segmentsOf("q")).isEmpty();
        assertThat(client.previewSize(PRO)).isZero();
    }

    @Test
    void shouldEvaluateChangesAgainstTheNewConditionWhenASegmentIsRedefined() {
        String segment = readySegment("Plan", PRO);
        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        topic.await(client.of(segment), 1, TIMEOUT);

        String free = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"free\"}";
        var put = api.put("/v1/segments/" + segment, client.writeToken(), "{\"name\": \"Plan\", \"condition\": " + free + "}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        client.awaitReady(segment);
        client.changeProfile("p1", "{\"plan\": \"free\"}");

        topic.await(client.of(segment), 3, TIMEOUT);
        assertThat(transitions(segment, client.sent()))
                .containsExactly("p1 entered v1", "p1 exited v2", "p1 entered v3");
        assertThat(client.segmentsOf("p1")).containsExactly(segment);
    }

    @Test
    void shouldKeepApplyingChangesWhenASegmentIsDeleted() {
        String kept = readySegment("Aged", "{\"trait\": \"age\", \"op\": \"exists\"}");
        String deleted = readySegment("Pro", PRO);
        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        topic.await(client.of(deleted), 1, TIMEOUT);

        assertThat(api.delete("/v1/segments/" + deleted, client.writeToken()).statusCode()).isEqualTo(204);
        client.changeProfile("p1", "{\"plan\": \"pro\", \"tier\": 1}");
        client.changeProfile("p1", "{\"age\": 30}");

        topic.await(client.of(kept), 1, TIMEOUT);
        assertThat(transitions(kept, client.sent())).containsExactly("p1 entered v1");
        assertThat(transitions(deleted, client.sent())).containsExactly("p1 entered v1", "p1 exited v2");
        assertThat(client.segmentsOf("p1")).containsExactly(kept);
        assertThat(Published.toEnd(infrastructure, Topics.deadLetters("segmentation"), client.inWorkspace())).isEmpty();
    }

    @Test
    void shouldStoreTraitsNoSegmentReadsSoThatALaterSegmentFindsThem() {
        String pro = readySegment("Pro", PRO);
        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        topic.await(client.of(pro), 1, TIMEOUT);
        client.changeProfile("p1", "{\"email\": \"ada@example.com\"}");
        client.changeProfile("p1", "{\"country\": \"FR\"}");
        await().atMost(TIMEOUT).until(() -> client.previewSize("{\"trait\": \"country\", \"op\": \"eq\", \"value\": \"FR\"}") == 1);

        String emails = readySegment("Emails", "{\"trait\": \"email\", \"op\": \"ends_with\", \"value\": \"@example.com\"}");

        assertThat(memberships(topic.await(client.of(emails), 1, TIMEOUT))).extracting(MembershipChanged::profileId)
                .containsExactly("p1");
        assertThat(transitions(pro, client.sent())).containsExactly("p1 entered v1");
        assertThat(client.segmentsOf("p1")).containsExactlyInAnyOrder(pro, emails);
    }

    /** Issue 17: segmentation's own metrics, read from the registry and from /actuator/prometheus. */
    @Test
    void shouldCountMembershipChangesTimeEvaluationsAndMeasureSizes() {
        // registered at start-up, so every series is exported with or without traffic
        String scrape = api.get("/actuator/prometheus", null).body();
        assertThat(scrape).contains("cdp_segmentation_membership_changes_total{change=\"entered\"",
                "cdp_segmentation_membership_changes_total{change=\"exited\"",
                "cdp_segmentation_evaluation_seconds_count{kind=\"realtime\"",
                "cdp_segmentation_evaluation_seconds_count{kind=\"build\"",
                "cdp_segmentation_segments{status=\"building\"", "cdp_segmentation_segments{status=\"ready\"",
                "cdp_segmentation_members ");

        long buildsBefore = evaluations(SegmentationMetrics.Kind.build).count();
        String pro = readySegment("Pro", PRO);
        await().atMost(TIMEOUT).until(() -> evaluations(SegmentationMetrics.Kind.build).count() > buildsBefore);

        double enteredBefore = changes("entered");
        double exitedBefore = changes("exited");
        Timer realtime = evaluations(SegmentationMetrics.Kind.realtime);
        long realtimeBefore = realtime.count();
        double realtimeSecondsBefore = realtime.totalTime(TimeUnit.SECONDS);

        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        topic.await(client.of(pro), 1, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> changes("entered") - enteredBefore >= 1);
        // the gauges follow within their interval and count what the table holds
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(prometheus("cdp_segmentation_members", "")).hasValue(count("SELECT count(*) FROM memberships WHERE member"));
            assertThat(prometheus("cdp_segmentation_segments", "status=\"ready\""))
                    .hasValue(count("SELECT count(*) FROM segments WHERE status = 'ready'"));
        });
        assertThat(count("SELECT count(*) FROM memberships WHERE member AND workspace_id = '" + ws + "'")).isEqualTo(1);

        client.changeProfile("p1", "{\"plan\": \"free\"}");
        topic.await(client.of(pro), 2, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> changes("exited") - exitedBefore >= 1);

        assertThat(changes("entered") - enteredBefore).isEqualTo(1);
        assertThat(changes("exited") - exitedBefore).isEqualTo(1);
        assertThat(realtime.count() - realtimeBefore).as("one chunk per change at least").isGreaterThanOrEqualTo(2);
        assertThat(realtime.totalTime(TimeUnit.SECONDS)).isGreaterThan(realtimeSecondsBefore);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(prometheus("cdp_segmentation_membership_changes_total",
                "change=\"exited\"")).hasValue(changes("exited")));
    }

    private String readySegment(String name, String condition) {
        String id = client.createSegment(name, condition);
        client.awaitReady(id);
        return id;
    }

    private ProducerRecord<String, String> record(String profileId, String value) {
        return new ProducerRecord<>(Topics.PROFILE_CHANGES, Topics.key(ws, profileId), value);
    }

    /**
     * "profile transition vN" for each MembershipChanged of the segment segmentation published once it
     * applied the records {@code sent} (all of them: none can come later).
     */
    private List<String> transitions(String segmentId, List<RecordMetadata> sent) {
        return memberships(new Published(infrastructure, jdbc).applied(CONSUMER, sent)
                .read(Topics.MEMBERSHIPS, client.of(segmentId))).stream()
                .map(m -> m.profileId() + " " + m.transition() + " v" + m.version()).toList();
    }

    private double messages(String outcome) {
        Counter counter = meters.find("cdp.consumer.messages").tag("consumer", CONSUMER).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private double chunks() {
        Timer timer = meters.find("cdp.consumer.chunk").tag("consumer", CONSUMER).timer();
        return timer == null ? 0 : timer.count();
    }

    private double changes(String change) {
        return meters.get("cdp.segmentation.membership.changes").tag("change", change).counter().count();
    }

    private Timer evaluations(SegmentationMetrics.Kind kind) {
        return meters.get("cdp.segmentation.evaluation").tag("kind", kind.name()).timer();
    }

    private double count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }

    /** The first sample of {@code name} whose labels contain {@code label} (any sample when empty). */
    private OptionalDouble prometheus(String name, String label) {
        var scrape = api.get("/actuator/prometheus", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher sample = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape.body());
        while (sample.find()) {
            if (sample.group(1) == null ? label.isEmpty() : sample.group(1).contains(label)) {
                return OptionalDouble.of(Double.parseDouble(sample.group(2)));
            }
        }
        return OptionalDouble.empty();
    }
}
