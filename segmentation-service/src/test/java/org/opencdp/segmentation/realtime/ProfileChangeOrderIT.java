package org.opencdp.segmentation.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.segmentation.segment.SegmentationDriver;
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
 * Issue 15 (the fault suite's "members of the pro segment"): segmentation's copy of a profile must
 * end at the newest value of every key, whatever order its changes arrive in. Each change here is
 * its own poll and transaction (the next is sent once the previous one's effect is visible), as
 * after a broker restart or an outbox relay that sends a batch again.
 */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.poll-interval=100ms"})
class ProfileChangeOrderIT {

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String ws = Workspaces.fresh();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private SegmentationDriver client;

    @BeforeEach
    void connect() {
        client = new SegmentationDriver(infrastructure, ws, port);
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    /**
     * The fault suite's case: two changes of one profile, stamped in order one microsecond apart (as
     * profile-service stamps one chunk's changes of a profile), arrive newest first.
     */
    @Test
    void shouldKeepTheNewerOfTwoChangesThatArriveInReverseOrder() {
        String pro = readySegment();
        send("p1", T.plus(1, ChronoUnit.MICROS), "{\"plan\": \"free\", \"seen\": 1}");
        awaitMatching("{\"trait\": \"seen\", \"op\": \"eq\", \"value\": 1}");

        send("p1", T, "{\"plan\": \"pro\", \"older\": true}");
        awaitMatching("{\"trait\": \"older\", \"op\": \"eq\", \"value\": true}");

        assertThat(client.segmentsOf("p1")).doesNotContain(pro);
        assertThat(client.previewSize(PRO)).isZero();
    }

    /**
     * A late change sets the keys no newer change wrote: a guard on the whole change would drop its
     * {@code city} for good (segmentation's copy would then differ from profile-service's).
     */
    @Test
    void shouldApplyTheKeysOfALateChangeThatNoNewerChangeWrote() {
        String pro = readySegment();
        send("p1", T.plusSeconds(2), "{\"plan\": \"pro\"}");
        awaitMatching(PRO); // traits and memberships commit together

        send("p1", T.plusSeconds(1), "{\"plan\": \"free\", \"city\": \"Paris\"}");
        awaitMatching("{\"trait\": \"city\", \"op\": \"eq\", \"value\": \"Paris\"}");

        assertThat(client.segmentsOf("p1")).containsExactly(pro);
        assertThat(client.previewSize(PRO)).isEqualTo(1);
    }

    /** A removal is kept: an older change replayed after it cannot bring the key back. */
    @Test
    void shouldNotBringBackARemovedKeyWhenAnOlderChangeIsReplayedAfterItsInboxRowIsGone() {
        String pro = readySegment();
        UUID entered = send("p1", T, "{\"plan\": \"pro\"}");
        awaitMatching(PRO); // traits and memberships commit together
        send("p1", T.plusSeconds(1), "{\"plan\": null}");
        await().atMost(TIMEOUT).until(() -> client.segmentsOf("p1").isEmpty());

        // the inbox no longer knows it (pruned after cdp.kit.inbox.retention): only the guard stands
        assertThat(jdbc.update("DELETE FROM inbox WHERE consumer = ? AND message_id = ?",
                ProfileChangeService.CONSUMER, entered)).isEqualTo(1);
        send(entered, "p1", T, "{\"plan\": \"pro\"}");
        send("p1", T.plusSeconds(2), "{\"marker\": 1}");
        awaitMatching("{\"trait\": \"marker\", \"op\": \"eq\", \"value\": 1}");

        assertThat(client.segmentsOf("p1")).isEmpty();
        assertThat(client.previewSize("{\"trait\": \"plan\", \"op\": \"exists\"}")).isZero();
    }

    private String readySegment() {
        String id = client.createSegment("Pro", PRO);
        client.awaitReady(id);
        return id;
    }

    private void awaitMatching(String condition) {
        await().atMost(TIMEOUT).until(() -> client.previewSize(condition) == 1);
    }

    private UUID send(String profileId, Instant occurredAt, String traitsJson) {
        return send(UUID.randomUUID(), profileId, occurredAt, traitsJson);
    }

    private UUID send(UUID id, String profileId, Instant occurredAt, String traitsJson) {
        Map<String, JsonNode> traits = new HashMap<>();
        MessageCodec.mapper().readTree(traitsJson).forEachEntry(traits::put);
        client.send(profileId, MessageCodec.toJson(new ProfileChanged(id, ws, occurredAt, profileId, traits, Map.of())));
        return id;
    }
}
