package org.opencdp.segmentation.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

/**
 * Issue 15 (the fault suite's "members of the pro segment"): segmentation's copy of a profile must
 * end at the newest value of every key, whatever order its changes arrive in and whatever the clocks
 * said: the newest is the change of the highest version (profile-service numbers a profile's changes
 * in commit order). Each change here is its own poll and transaction (the next is sent once the
 * previous one's effect is visible), as after a broker restart or an outbox relay that sends a batch
 * again.
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
     * The fault suite's case: two changes of one profile arrive newest first, and the older one's clock
     * read later (the clock went back between them): the version decides, not the time.
     */
    @Test
    void shouldKeepTheNewerOfTwoChangesThatArriveInReverseOrderWhateverTheirClocksSay() {
        String pro = readySegment();
        send("p1", 2, T, "{\"plan\": \"free\", \"seen\": 1}");
        awaitMatching("{\"trait\": \"seen\", \"op\": \"eq\", \"value\": 1}");

        send("p1", 1, T.plusSeconds(5), "{\"plan\": \"pro\", \"older\": true}");
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
        send("p1", 2, T.plusSeconds(2), "{\"plan\": \"pro\"}");
        awaitMatching(PRO); // traits and memberships commit together

        send("p1", 1, T.plusSeconds(1), "{\"plan\": \"free\", \"city\": \"Paris\"}");
        awaitMatching("{\"trait\": \"city\", \"op\": \"eq\", \"value\": \"Paris\"}");

        assertThat(client.segmentsOf("p1")).containsExactly(pro);
        assertThat(client.previewSize(PRO)).isEqualTo(1);
    }

    /** A removal is kept: an older change replayed after it cannot bring the key back. */
    @Test
    void shouldNotBringBackARemovedKeyWhenAnOlderChangeIsReplayedAfterItsInboxRowIsGone() {
        String pro = readySegment();
        UUID entered = send("p1", 1, T, "{\"plan\": \"pro\"}");
        awaitMatching(PRO); // traits and memberships commit together
        send("p1", 2, T.plusSeconds(1), "{\"plan\": null}");
        await().atMost(TIMEOUT).until(() -> client.segmentsOf("p1").isEmpty());

        // the inbox no longer knows it (pruned after cdp.kit.inbox.retention): only the guard stands
        assertThat(jdbc.update("DELETE FROM inbox WHERE consumer = ? AND message_id = ?",
                ProfileChangeService.CONSUMER, entered)).isEqualTo(1);
        send(entered, "p1", 1, T, "{\"plan\": \"pro\"}");
        send("p1", 3, T.plusSeconds(2), "{\"marker\": 1}");
        awaitMatching("{\"trait\": \"marker\", \"op\": \"eq\", \"value\": 1}");

        assertThat(client.segmentsOf("p1")).isEmpty();
        assertThat(client.previewSize("{\"trait\": \"plan\", \"op\": \"exists\"}")).isZero();
    }

    /**
     * Changes from before versions (0) are still ordered by their time among themselves, and the
     * profile's first numbered change wins over them even with an earlier clock.
     */
    @Test
    void shouldOrderChangesFromBeforeVersionsByTimeAndLetTheFirstNumberedChangeWin() {
        String pro = readySegment();
        send("p1", 0, T.plusSeconds(10), "{\"plan\": \"pro\", \"tier\": 1}");
        awaitMatching(PRO);
        send("p1", 0, T.plusSeconds(5), "{\"plan\": \"free\", \"tier\": 2}");
        send("p1", 0, T.plusSeconds(20), "{\"seen\": 1}");
        awaitMatching("{\"trait\": \"seen\", \"op\": \"eq\", \"value\": 1}");
        assertThat(client.previewSize("{\"trait\": \"tier\", \"op\": \"eq\", \"value\": 1}")).isEqualTo(1);
        assertThat(client.segmentsOf("p1")).containsExactly(pro);

        send("p1", 1, T, "{\"plan\": \"free\"}");
        await().atMost(TIMEOUT).until(() -> client.segmentsOf("p1").isEmpty());
        assertThat(client.previewSize(PRO)).isZero();
    }

    private String readySegment() {
        String id = client.createSegment("Pro", PRO);
        client.awaitReady(id);
        return id;
    }

    private void awaitMatching(String condition) {
        await().atMost(TIMEOUT).until(() -> client.previewSize(condition) == 1);
    }

    private UUID send(String profileId, long version, Instant occurredAt, String traitsJson) {
        return send(UUID.randomUUID(), profileId, version, occurredAt, traitsJson);
    }

    private UUID send(UUID id, String profileId, long version, Instant occurredAt, String traitsJson) {
        client.send(profileId, MessageCodec.toJson(new ProfileChanged(id, ws, occurredAt, profileId,
                SegmentationDriver.traits(traitsJson), Map.of(), version)));
        return id;
    }
}
