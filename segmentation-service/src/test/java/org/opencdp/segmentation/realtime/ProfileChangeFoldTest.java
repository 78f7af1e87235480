package org.opencdp.segmentation.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.condition.ConditionParser;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileState;
import org.opencdp.segmentation.profile.WrittenBy;
import org.opencdp.segmentation.segment.SegmentDefinition;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9: a chunk of profile changes folded in memory gives what applying them one at a time gives;
 * issue 15: the per-key ordering guard, by version (and by time between changes from before versions).
 */
class ProfileChangeFoldTest {

    private static final String WS = "ws_1";
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";

    private final ProfileChangeFold fold = new ProfileChangeFold();

    @Test
    void shouldRecordEveryEntryAndExitInOrderWhenOneChunkChangesAProfileSeveralTimes() {
        var segments = Map.of(WS, List.of(ready("pro", PRO)));
        var changes = List.of(change("p1", 1, T0, "{\"plan\": \"pro\"}"), change("p1", 2, T0, "{\"plan\": \"free\"}"),
                change("p1", 3, T0, "{\"plan\": \"pro\"}"), change("p2", 1, T0, "{\"plan\": \"pro\"}"),
                change("p1", 4, T0, "{\"plan\": null}"));

        var result = fold.apply(changes, Map.of(), segments, Map.of());

        assertThat(result.transitions()).containsExactly(
                new MembershipTransition(WS, "pro", "p1", true), new MembershipTransition(WS, "pro", "p1", false),
                new MembershipTransition(WS, "pro", "p1", true), new MembershipTransition(WS, "pro", "p2", true),
                new MembershipTransition(WS, "pro", "p1", false));
    }

    /** Issue 15: a redelivered or replayed change older than what the profile holds rolls nothing back. */
    @Test
    void shouldIgnoreAChangeOlderThanTheProfilesLatest() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusSeconds(60), 5));
        var segments = Map.of(WS, List.of(ready("pro", PRO)));

        var result = fold.apply(List.of(change("p1", 3, T0, "{\"plan\": \"free\"}"),
                change("p1", 6, T0.plusSeconds(61), "{\"age\": 40}"),
                change("p1", 4, T0.plusSeconds(59), "{\"plan\": \"free\"}")), stored, segments, Map.of(p1, Set.of("pro")));

        assertThat(result.profiles()).hasSize(1);
        assertThat(result.profiles().getFirst().traits()).isEqualTo(traits("{\"plan\": \"pro\", \"age\": 40}"));
        assertThat(result.profiles().getFirst().updatedAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(result.transitions()).isEmpty();
    }

    /**
     * Issue 15: the guard orders by version, not by clock. A change of an older version whose clock read
     * later (profile-service's clock went back between the two) does not roll the key back.
     */
    @Test
    void shouldNotRollAKeyBackWhenAnOlderVersionCarriesALaterTime() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0, 5));
        var segments = Map.of(WS, List.of(ready("pro", PRO)));

        var result = fold.apply(List.of(change("p1", 4, T0.plusSeconds(3600), "{\"plan\": \"free\"}")), stored,
                segments, Map.of(p1, Set.of("pro")));

        assertThat(result.profiles().getFirst().traits()).isEqualTo(traits("{\"plan\": \"pro\"}"));
        assertThat(result.profiles().getFirst().traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(5)));
        assertThat(result.transitions()).isEmpty();
    }

    /** Issue 15: and a newer version wins even if its clock read earlier than the stored change's. */
    @Test
    void shouldLetANewerVersionWinWhenItsTimeIsEarlier() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusSeconds(3600), 5));
        var segments = Map.of(WS, List.of(ready("pro", PRO)));

        var result = fold.apply(List.of(change("p1", 6, T0, "{\"plan\": \"free\"}")), stored, segments,
                Map.of(p1, Set.of("pro")));

        assertThat(result.profiles().getFirst().traits()).isEqualTo(traits("{\"plan\": \"free\"}"));
        assertThat(result.profiles().getFirst().traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(6)));
        assertThat(result.transitions()).containsExactly(new MembershipTransition(WS, "pro", "p1", false));
    }

    /**
     * Issue 15: the parts of one change split for size share its version (their keys are disjoint): every
     * part applies, whichever arrives first, and a part redelivered after them changes nothing.
     */
    @Test
    void shouldApplyEveryPartOfASplitChangeThatShareItsVersion() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"free\", \"city\": \"Lyon\"}"), Map.of(), T0, 3));
        var segments = Map.of(WS, List.of(ready("pro", PRO)));
        var first = change("p1", 4, T0.plusSeconds(1), "{\"city\": \"Paris\"}");
        var second = new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(1), "p1", traits("{\"plan\": \"pro\"}"),
                traits("{\"ltv\": 600}"), 4);

        var result = fold.apply(List.of(first, second, first), stored, segments, Map.of(p1, Set.of()));

        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"pro\", \"city\": \"Paris\"}"));
        assertThat(folded.computedTraits()).isEqualTo(traits("{\"ltv\": 600}"));
        assertThat(folded.traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(4), "city", numbered(4)));
        assertThat(folded.computedTraitsWrittenBy()).isEqualTo(Map.of("ltv", numbered(4)));
        assertThat(result.transitions()).containsExactly(new MembershipTransition(WS, "pro", "p1", true));
    }

    /**
     * Issue 15: changes from before versions (0) against keys they wrote are still ordered by their
     * {@code occurredAt}: an older one is ignored, a later one applies and keeps its stamp.
     */
    @Test
    void shouldStillOrderChangesFromBeforeVersionsByTheirTime() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\", \"city\": \"Lyon\"}"), Map.of(),
                T0.plusSeconds(60), 0));

        var result = fold.apply(List.of(change("p1", 0, T0.plusSeconds(30), "{\"plan\": \"free\"}"),
                change("p1", 0, T0.plusSeconds(90), "{\"city\": \"Paris\"}")), stored, Map.of(), Map.of());

        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"pro\", \"city\": \"Paris\"}"));
        assertThat(folded.traitsWrittenBy()).isEqualTo(Map.of("plan", new WrittenBy(0, T0.plusSeconds(60)),
                "city", new WrittenBy(0, T0.plusSeconds(90))));
    }

    /**
     * Issue 15: the first numbered change wins over a key a change from before versions wrote, whatever
     * the times, and from then on no change from before versions can write it (the key keeps no stamp:
     * only the 0-version fallback reads one).
     */
    @Test
    void shouldLetANumberedChangeBeatAStoredZeroWhateverItsTime() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusSeconds(60), 0));
        var segments = Map.of(WS, List.of(ready("pro", PRO)));

        var result = fold.apply(List.of(change("p1", 1, T0, "{\"plan\": \"free\"}"),
                change("p1", 0, T0.plusSeconds(120), "{\"plan\": \"pro\"}")), stored, segments, Map.of(p1, Set.of("pro")));

        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"free\"}"));
        assertThat(folded.traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(1)));
        assertThat(folded.traitsWrittenBy().get("plan").at()).isNull();
        assertThat(result.transitions()).containsExactly(new MembershipTransition(WS, "pro", "p1", false));
    }

    /**
     * Issue 15: the guard is per key. A late change of an older version sets the keys no later change
     * wrote (a whole-change guard would lose them for good), and not the ones a later change wrote.
     */
    @Test
    void shouldApplyTheKeysOfALateChangeThatNoLaterChangeWrote() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusSeconds(60), 5));
        var segments = Map.of(WS, List.of(ready("pro", PRO),
                ready("big", "{\"computedTrait\": \"ltv\", \"op\": \"gte\", \"value\": 500}")));
        var late = new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(30), "p1",
                traits("{\"plan\": \"free\", \"city\": \"Paris\"}"), traits("{\"ltv\": 600}"), 3);

        var result = fold.apply(List.of(late), stored, segments, Map.of(p1, Set.of("pro")));

        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"pro\", \"city\": \"Paris\"}"));
        assertThat(folded.computedTraits()).isEqualTo(traits("{\"ltv\": 600}"));
        assertThat(folded.traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(5), "city", numbered(3)));
        assertThat(folded.updatedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(result.transitions()).containsExactly(new MembershipTransition(WS, "big", "p1", true));
    }

    /** Issue 15: a removal is remembered by its version, so an older change cannot bring the key back. */
    @Test
    void shouldNotBringBackAKeyALaterChangeRemoved() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var segments = Map.of(WS, List.of(ready("pro", PRO)));
        var removed = fold.apply(List.of(change("p1", 3, T0.plusSeconds(60), "{\"plan\": null}")),
                Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0, 1)), segments,
                Map.of(p1, Set.of("pro")));
        ProfileState afterRemoval = removed.profiles().getFirst();
        assertThat(afterRemoval.traits()).isEmpty();
        assertThat(afterRemoval.traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(3)));

        var result = fold.apply(List.of(change("p1", 2, T0.plusSeconds(90), "{\"plan\": \"pro\"}")),
                Map.of(p1, afterRemoval), segments, Map.of(p1, Set.of()));

        assertThat(result.profiles().getFirst().traits()).isEmpty();
        assertThat(result.transitions()).isEmpty();
    }

    /**
     * Issue 15: changes from before versions compare at PostgreSQL's microsecond precision, the
     * precision of the stored stamps, so a change stamped within the stored stamp's microsecond is not
     * taken for an older one.
     */
    @Test
    void shouldCompareStampsOfChangesFromBeforeVersionsAtMicrosecondPrecision() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusNanos(1_000), 0));
        var result = fold.apply(List.of(change("p1", 0, T0.plusNanos(1_999), "{\"plan\": \"free\"}")), stored,
                Map.of(), Map.of());

        assertThat(result.profiles().getFirst().traits()).isEqualTo(traits("{\"plan\": \"free\"}"));
        assertThat(result.profiles().getFirst().traitsWrittenBy())
                .isEqualTo(Map.of("plan", new WrittenBy(0, T0.plusNanos(1_000))));
    }

    /** Issue 15: a version below 0 is no version profile-service gives: the message can never be applied. */
    @Test
    void shouldRefuseANegativeVersionAsAPermanentError() {
        assertThatThrownBy(() -> ProfileChangeService.requireApplicable(change("p1", -1, T0, "{\"plan\": \"pro\"}")))
                .isInstanceOf(PermanentMessageException.class).hasMessageContaining("negative version");
    }

    @Test
    void shouldFoldChangesOverTheStoredRowWithTheLastValueWinningAndNullRemoving() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"free\", \"age\": 30, \"city\": \"Lyon\"}"),
                traits("{\"ltv\": 10}"), T0.plusSeconds(60), 1));
        var changes = List.of(
                change("p1", 2, T0.plusSeconds(60), "{\"plan\": \"pro\", \"age\": null}"),
                new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(120), "p1", traits("{\"plan\": \"team\"}"),
                        traits("{\"ltv\": 20, \"orders\": 3}"), 3),
                change("p1", 4, T0.plusSeconds(120), "{\"country\": \"FR\"}"));

        var result = fold.apply(changes, stored, Map.of(), Map.of());

        assertThat(result.profiles()).hasSize(1);
        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"team\", \"city\": \"Lyon\", \"country\": \"FR\"}"));
        assertThat(folded.computedTraits()).isEqualTo(traits("{\"ltv\": 20, \"orders\": 3}"));
        assertThat(folded.updatedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(folded.traitsWrittenBy()).isEqualTo(Map.of("plan", numbered(3), "age", numbered(2),
                "city", numbered(1), "country", numbered(4)));
        assertThat(folded.computedTraitsWrittenBy()).isEqualTo(Map.of("ltv", numbered(3), "orders", numbered(3)));
        assertThat(result.transitions()).isEmpty();
    }

    @Test
    void shouldEvaluateANewProfileAgainstEverySegmentEvenWhenItsChangeTouchesNoTraitTheSegmentReads() {
        var segments = Map.of(WS, List.of(ready("no-plan", "{\"trait\": \"plan\", \"op\": \"not_exists\"}")));
        var changes = List.of(change("new", 1, T0, "{\"email\": \"a@example.com\"}"));

        assertThat(fold.evaluated(changes, Set.of(), segments)).containsExactly(new ProfileKey(WS, "new"));
        assertThat(fold.apply(changes, Map.of(), segments, Map.of()).transitions())
                .containsExactly(new MembershipTransition(WS, "no-plan", "new", true));
    }

    @Test
    void shouldSkipEvaluationWhenAStoredProfileChangesOnlyTraitsNoReadySegmentReads() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var segments = Map.of(WS, List.of(ready("no-plan", "{\"trait\": \"plan\", \"op\": \"not_exists\"}")));
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0, 1));
        var changes = List.of(change("p1", 2, T0, "{\"email\": \"a@example.com\"}"),
                new ProfileChanged(UUID.randomUUID(), WS, T0, "p1", Map.of(), traits("{\"ltv\": 5}"), 3));

        assertThat(fold.evaluated(changes, stored.keySet(), segments)).isEmpty();
        var result = fold.apply(changes, stored, segments, Map.of());
        assertThat(result.transitions()).isEmpty();
        assertThat(result.profiles().getFirst().traits()).containsOnlyKeys("plan", "email");
        assertThat(result.profiles().getFirst().computedTraits()).containsOnlyKeys("ltv");
    }

    @Test
    void shouldEvaluateAStoredProfileWhenItsChangeTouchesATraitTheSegmentReads() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var segments = Map.of(WS, List.of(ready("no-plan", "{\"trait\": \"plan\", \"op\": \"not_exists\"}"),
                ready("pro", "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}")));
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0, 1));
        var changes = List.of(change("p1", 2, T0, "{\"plan\": null}"));

        assertThat(fold.evaluated(changes, stored.keySet(), segments)).containsExactly(p1);
        assertThat(fold.apply(changes, stored, segments, Map.of(p1, Set.of("pro"))).transitions()).containsExactly(
                new MembershipTransition(WS, "no-plan", "p1", true), new MembershipTransition(WS, "pro", "p1", false));
    }

    @Test
    void shouldEvaluateBuildingSegmentsOnEveryChangeWhateverItTouches() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        Condition pro = condition("{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}");
        var building = new SegmentDefinition("pro", 2, true, pro, new ConditionEvaluator().reads(pro));
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0, 1));
        var changes = List.of(change("p1", 2, T0, "{\"email\": \"a@example.com\"}"));

        assertThat(fold.evaluated(changes, stored.keySet(), Map.of(WS, List.of(building)))).containsExactly(p1);
        assertThat(fold.apply(changes, stored, Map.of(WS, List.of(building)), Map.of()).transitions())
                .containsExactly(new MembershipTransition(WS, "pro", "p1", true));
    }

    @Test
    void shouldEvaluateEachProfileOnlyAgainstItsOwnWorkspacesSegments() {
        var segments = Map.of("ws_2", List.of(ready("everyone", "{\"trait\": \"plan\", \"op\": \"not_exists\"}")));
        var changes = List.of(change("p1", 1, T0, "{\"plan\": \"pro\"}"));

        assertThat(fold.evaluated(changes, Set.of(), segments)).isEmpty();
        assertThat(fold.apply(changes, Map.of(), segments, Map.of()).transitions()).isEmpty();
    }

    /** Issue 11: a computed trait's change enters a segment, and the segment referencing it follows in the same pass. */
    @Test
    void shouldEvaluateComputedTraitChangesAndCascadeToSegmentsThatReferenceTheChangedOne() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), traits("{\"ltv\": 10}"), T0, 1));
        var segments = Map.of(WS, List.of(
                ready("big", "{\"computedTrait\": \"ltv\", \"op\": \"gte\", \"value\": 500}"),
                ready("vip", "{\"and\": [{\"segment\": \"big\"}, {\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}]}"),
                ready("small", "{\"not\": {\"segment\": \"big\"}}")));
        var change = new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(1), "p1", Map.of(), traits("{\"ltv\": 600}"), 2);

        assertThat(fold.evaluated(List.of(change), stored.keySet(), segments)).containsExactly(p1);
        var result = fold.apply(List.of(change), stored, segments, Map.of(p1, Set.of("small")));

        assertThat(result.transitions()).containsExactly(new MembershipTransition(WS, "big", "p1", true),
                new MembershipTransition(WS, "vip", "p1", true), new MembershipTransition(WS, "small", "p1", false));
    }

    private static SegmentDefinition ready(String id, String conditionJson) {
        Condition condition = condition(conditionJson);
        return new SegmentDefinition(id, 1, false, condition, new ConditionEvaluator().reads(condition));
    }

    private static Condition condition(String json) {
        return new ConditionParser().parse(MessageCodec.mapper().readTree(json));
    }

    private static ProfileChanged change(String profileId, long version, Instant at, String traitsJson) {
        return new ProfileChanged(UUID.randomUUID(), WS, at, profileId, traits(traitsJson), Map.of(), version);
    }

    /** What a numbered change leaves on the keys it wrote: its version (and no stamp). */
    private static WrittenBy numbered(long version) {
        return new WrittenBy(version, null);
    }

    /** A stored row whose every key was last written by the change of {@code version} at {@code at}. */
    private static ProfileState stored(ProfileKey key, Map<String, JsonNode> traits, Map<String, JsonNode> computed,
                                       Instant at, long version) {
        WrittenBy by = new WrittenBy(version, at);
        Map<String, WrittenBy> traitsBy = new HashMap<>();
        traits.keySet().forEach(name -> traitsBy.put(name, by));
        Map<String, WrittenBy> computedBy = new HashMap<>();
        computed.keySet().forEach(name -> computedBy.put(name, by));
        return new ProfileState(key, traits, computed, at, traitsBy, computedBy);
    }

    /** A trait map as ProfileChanged carries it: a JSON null stays a null node (it removes the trait). */
    private static Map<String, JsonNode> traits(String json) {
        Map<String, JsonNode> traits = new HashMap<>();
        MessageCodec.mapper().readTree(json).forEachEntry(traits::put);
        return traits;
    }
}
