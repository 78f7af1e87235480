package org.opencdp.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ledger's rules applied in memory to a chunk (issue 9): the result of one event at a time, in order. */
class ConsentFoldTest {

    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-03-03T10:00:00Z");
    private static final ProfileRef ALICE = new ProfileRef("ws", "p_alice");
    private static final ProfileRef BOB = new ProfileRef("ws", "p_bob");

    @Test
    void shouldKeepTheLatestChoiceByEventTimeWhenTwoEventsOfAProfileArriveOutOfOrderInOneChunk() {
        ConsentFold fold = new ConsentFold(Map.of(), new RecordedKeys(), ConsentLedger.Repeats.SKIP);

        fold.apply(event(ALICE, "m2", T2, Map.of("marketing", false)));
        fold.apply(event(ALICE, "m1", T1, Map.of("marketing", true)));

        assertThat(fold.records()).as("the older statement is history").hasSize(2);
        assertThat(fold.stateRows()).singleElement().satisfies(row -> {
            assertThat(row.state().granted()).isFalse();
            assertThat(row.state().occurredAt()).isEqualTo(T2);
        });
        assertThat(fold.snapshots()).extracting(ConsentFold.Snapshot::purposes)
                .containsExactly(Map.of("marketing", false));
    }

    @Test
    void shouldLetTheStatementRecordedLaterWinWhenTwoShareTheirEventTime() {
        ConsentFold fold = new ConsentFold(Map.of(), new RecordedKeys(), ConsentLedger.Repeats.SKIP);

        fold.apply(event(ALICE, "m1", T1, Map.of("marketing", true)));
        fold.apply(event(ALICE, "m2", T1, Map.of("marketing", false)));

        assertThat(fold.stateRows()).singleElement().satisfies(row -> assertThat(row.state().granted()).isFalse());
        assertThat(fold.snapshots()).extracting(ConsentFold.Snapshot::purposes)
                .containsExactly(Map.of("marketing", true), Map.of("marketing", false));
    }

    @Test
    void shouldSeeTheStateStoredBeforeTheChunkAndSkipRepeatsOfIt() {
        var stored = Map.of(ALICE, Map.of("marketing", new PurposeState("marketing", true, T2, "event:src",
                LegalBasis.consent, null)));
        ConsentFold fold = new ConsentFold(stored, new RecordedKeys(), ConsentLedger.Repeats.SKIP);

        fold.apply(event(ALICE, "m3", T3, Map.of("marketing", true, "email", true)));
        fold.apply(event(ALICE, "m1", T1, Map.of("marketing", false)));

        assertThat(fold.records()).extracting(record -> record.statement().purpose() + "=" + record.statement().granted())
                .as("the repeated marketing=true is no new statement; the older denial is history")
                .containsExactly("email=true", "marketing=false");
        assertThat(fold.stateRows()).extracting(row -> row.state().purpose()).containsExactly("email");
        assertThat(fold.snapshots()).extracting(ConsentFold.Snapshot::purposes)
                .containsExactly(Map.of("email", true, "marketing", true));
    }

    @Test
    void shouldRecordAnEventsStatementOnceWhenItsMessageIdComesUnderAnotherResolvedMessage() {
        RecordedKeys recorded = new RecordedKeys();
        recorded.add("ws", UUID.randomUUID(), "m_stored", "marketing");
        ConsentFold fold = new ConsentFold(Map.of(), recorded, ConsentLedger.Repeats.SKIP);

        fold.apply(event(ALICE, "m1", T1, Map.of("marketing", true)));
        fold.apply(event(ALICE, "m2", T2, Map.of("marketing", false)));
        fold.apply(event(ALICE, "m1", T1, Map.of("marketing", true)));
        fold.apply(event(ALICE, "m_stored", T3, Map.of("marketing", true)));

        assertThat(fold.records()).extracting(record -> record.statement().eventId()).containsExactly("m1", "m2");
        assertThat(fold.stateRows()).singleElement().satisfies(row -> assertThat(row.state().granted()).isFalse());
    }

    @Test
    void shouldKeepProfilesApartAndWriteStateRowsInKeyOrder() {
        ConsentFold fold = new ConsentFold(Map.of(), new RecordedKeys(), ConsentLedger.Repeats.SKIP);

        fold.apply(event(BOB, "m1", T1, Map.of("marketing", true)));
        fold.apply(event(ALICE, "m2", T1, Map.of("marketing", false, "analytics", true)));

        assertThat(fold.stateRows()).extracting(row -> row.profile().profileId() + "/" + row.state().purpose())
                .containsExactly("p_alice/analytics", "p_alice/marketing", "p_bob/marketing");
        assertThat(fold.snapshots()).extracting(snapshot -> snapshot.profile().profileId())
                .containsExactly("p_bob", "p_alice");
    }

    @Test
    void shouldRecordRepeatsWhenStatedDeliberately() {
        ConsentFold fold = new ConsentFold(Map.of(), new RecordedKeys(), ConsentLedger.Repeats.RECORD);
        ConsentStatement granted = ConsentStatement.stated("marketing", true, "api", LegalBasis.consent, null, T1);

        fold.apply(new StatedConsent(ALICE, List.of(granted)));
        fold.apply(new StatedConsent(ALICE, List.of(granted)));

        assertThat(fold.records()).hasSize(2);
        assertThat(fold.snapshots()).hasSize(2);
    }

    @Test
    void shouldRoundEventTimesToTheMicrosecondAsPostgresqlStoresThem() {
        Instant precise = Instant.parse("2025-03-01T10:00:00.123456789Z");

        ConsentStatement statement = ConsentStatement.stated("marketing", true, "api", LegalBasis.consent, null,
                precise);

        assertThat(statement.occurredAt()).isEqualTo(Instant.parse("2025-03-01T10:00:00.123457Z"));
    }

    private static StatedConsent event(ProfileRef profile, String messageId, Instant at, Map<String, Boolean> purposes) {
        UUID resolvedId = UUID.randomUUID();
        return new StatedConsent(profile, new TreeMap<>(purposes).entrySet().stream()
                .map(p -> new ConsentStatement(p.getKey(), p.getValue(), "event:src", LegalBasis.consent, null, at,
                        resolvedId, messageId))
                .toList());
    }
}
