package org.opencdp.segmentation.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.condition.ConditionParser;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileState;
import org.opencdp.segmentation.segment.SegmentDefinition;
import tools.jackson.databind.JsonNode;

/** Issue 9: a chunk of profile changes folded in memory gives what applying them one at a time gives. */
class ProfileChangeFoldTest {

    private static final String WS = "ws_1";
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private final ProfileChangeFold fold = new ProfileChangeFold();

    @Test
    void shouldRecordEveryEntryAndExitInOrderWhenOneChunkChangesAProfileSeveralTimes() {
        var segments = Map.of(WS, List.of(ready("pro", "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}")));
        var changes = List.of(change("p1", "{\"plan\": \"pro\"}", T0), change("p1", "{\"plan\": \"free\"}", T0),
                change("p1", "{\"plan\": \"pro\"}", T0), change("p2", "{\"plan\": \"pro\"}", T0),
                change("p1", "{\"plan\": null}", T0));

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
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusSeconds(60)));
        var segments = Map.of(WS, List.of(ready("pro", "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}")));

        var result = fold.apply(List.of(change("p1", "{\"plan\": \"free\"}", T0),
                change("p1", "{\"age\": 40}", T0.plusSeconds(61)),
                change("p1", "{\"plan\": \"free\"}", T0.plusSeconds(59))), stored, segments, Map.of(p1, Set.of("pro")));

        assertThat(result.profiles()).hasSize(1);
        assertThat(result.profiles().getFirst().traits()).isEqualTo(traits("{\"plan\": \"pro\", \"age\": 40}"));
        assertThat(result.profiles().getFirst().updatedAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(result.transitions()).isEmpty();
    }

    /**
     * Issue 15: the guard is per key. A late change of an older instant sets the keys no later change
     * wrote (a whole-change guard would lose them for good), and not the ones a later change wrote.
     */
    @Test
    void shouldApplyTheKeysOfALateChangeThatNoLaterChangeWrote() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusSeconds(60)));
        var segments = Map.of(WS, List.of(ready("pro", "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}"),
                ready("big", "{\"computedTrait\": \"ltv\", \"op\": \"gte\", \"value\": 500}")));
        var late = new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(30), "p1",
                traits("{\"plan\": \"free\", \"city\": \"Paris\"}"), traits("{\"ltv\": 600}"));

        var result = fold.apply(List.of(late), stored, segments, Map.of(p1, Set.of("pro")));

        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"pro\", \"city\": \"Paris\"}"));
        assertThat(folded.computedTraits()).isEqualTo(traits("{\"ltv\": 600}"));
        assertThat(folded.traitsWrittenAt()).isEqualTo(Map.of("plan", T0.plusSeconds(60), "city", T0.plusSeconds(30)));
        assertThat(folded.updatedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(result.transitions()).containsExactly(new MembershipTransition(WS, "big", "p1", true));
    }

    /** Issue 15: a removal is remembered by its stamp, so an older change cannot bring the key back. */
    @Test
    void shouldNotBringBackAKeyALaterChangeRemoved() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var segments = Map.of(WS, List.of(ready("pro", "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}")));
        var removed = fold.apply(List.of(change("p1", "{\"plan\": null}", T0.plusSeconds(60))),
                Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0)), segments, Map.of(p1, Set.of("pro")));
        ProfileState afterRemoval = removed.profiles().getFirst();
        assertThat(afterRemoval.traits()).isEmpty();

        var result = fold.apply(List.of(change("p1", "{\"plan\": \"pro\"}", T0.plusSeconds(30))),
                Map.of(p1, afterRemoval), segments, Map.of(p1, Set.of()));

        assertThat(result.profiles().getFirst().traits()).isEmpty();
        assertThat(result.transitions()).isEmpty();
    }

    /**
     * Issue 15: changes compare at PostgreSQL's microsecond precision, the precision of the stored
     * stamps, so a change stamped within the stored stamp's microsecond is not taken for an older one.
     */
    @Test
    void shouldCompareStampsAtMicrosecondPrecision() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0.plusNanos(1_000)));
        var result = fold.apply(List.of(change("p1", "{\"plan\": \"free\"}", T0.plusNanos(1_999))), stored,
                Map.of(), Map.of());

        assertThat(result.profiles().getFirst().traits()).isEqualTo(traits("{\"plan\": \"free\"}"));
        assertThat(result.profiles().getFirst().traitsWrittenAt()).isEqualTo(Map.of("plan", T0.plusNanos(1_000)));
    }

    @Test
    void shouldFoldChangesOverTheStoredRowWithTheLastValueWinningAndNullRemoving() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"free\", \"age\": 30, \"city\": \"Lyon\"}"),
                traits("{\"ltv\": 10}"), T0.plusSeconds(60)));
        var changes = List.of(
                change("p1", "{\"plan\": \"pro\", \"age\": null}", T0.plusSeconds(60)),
                new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(120), "p1", traits("{\"plan\": \"team\"}"),
                        traits("{\"ltv\": 20, \"orders\": 3}")),
                change("p1", "{\"country\": \"FR\"}", T0.plusSeconds(120)));

        var result = fold.apply(changes, stored, Map.of(), Map.of());

        assertThat(result.profiles()).hasSize(1);
        ProfileState folded = result.profiles().getFirst();
        assertThat(folded.traits()).isEqualTo(traits("{\"plan\": \"team\", \"city\": \"Lyon\", \"country\": \"FR\"}"));
        assertThat(folded.computedTraits()).isEqualTo(traits("{\"ltv\": 20, \"orders\": 3}"));
        assertThat(folded.updatedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(folded.traitsWrittenAt()).isEqualTo(Map.of("plan", T0.plusSeconds(120), "age", T0.plusSeconds(60),
                "city", T0.plusSeconds(60), "country", T0.plusSeconds(120)));
        assertThat(result.transitions()).isEmpty();
    }

    @Test
    void shouldEvaluateANewProfileAgainstEverySegmentEvenWhenItsChangeTouchesNoTraitTheSegmentReads() {
        var segments = Map.of(WS, List.of(ready("no-plan", "{\"trait\": \"plan\", \"op\": \"not_exists\"}")));
        var changes = List.of(change("new", "{\"email\": \"a@example.com\"}", T0));

        assertThat(fold.evaluated(changes, Set.of(), segments)).containsExactly(new ProfileKey(WS, "new"));
        assertThat(fold.apply(changes, Map.of(), segments, Map.of()).transitions())
                .containsExactly(new MembershipTransition(WS, "no-plan", "new", true));
    }

    @Test
    void shouldSkipEvaluationWhenAStoredProfileChangesOnlyTraitsNoReadySegmentReads() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var segments = Map.of(WS, List.of(ready("no-plan", "{\"trait\": \"plan\", \"op\": \"not_exists\"}")));
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0));
        var changes = List.of(change("p1", "{\"email\": \"a@example.com\"}", T0),
                new ProfileChanged(UUID.randomUUID(), WS, T0, "p1", Map.of(), traits("{\"ltv\": 5}")));

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
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0));
        var changes = List.of(change("p1", "{\"plan\": null}", T0));

        assertThat(fold.evaluated(changes, stored.keySet(), segments)).containsExactly(p1);
        assertThat(fold.apply(changes, stored, segments, Map.of(p1, Set.of("pro"))).transitions()).containsExactly(
                new MembershipTransition(WS, "no-plan", "p1", true), new MembershipTransition(WS, "pro", "p1", false));
    }

    @Test
    void shouldEvaluateBuildingSegmentsOnEveryChangeWhateverItTouches() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        Condition pro = condition("{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}");
        var building = new SegmentDefinition("pro", 2, true, pro, new ConditionEvaluator().reads(pro));
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), Map.of(), T0));
        var changes = List.of(change("p1", "{\"email\": \"a@example.com\"}", T0));

        assertThat(fold.evaluated(changes, stored.keySet(), Map.of(WS, List.of(building)))).containsExactly(p1);
        assertThat(fold.apply(changes, stored, Map.of(WS, List.of(building)), Map.of()).transitions())
                .containsExactly(new MembershipTransition(WS, "pro", "p1", true));
    }

    @Test
    void shouldEvaluateEachProfileOnlyAgainstItsOwnWorkspacesSegments() {
        var segments = Map.of("ws_2", List.of(ready("everyone", "{\"trait\": \"plan\", \"op\": \"not_exists\"}")));
        var changes = List.of(change("p1", "{\"plan\": \"pro\"}", T0));

        assertThat(fold.evaluated(changes, Set.of(), segments)).isEmpty();
        assertThat(fold.apply(changes, Map.of(), segments, Map.of()).transitions()).isEmpty();
    }

    /** Issue 11: a computed trait's change enters a segment, and the segment referencing it follows in the same pass. */
    @Test
    void shouldEvaluateComputedTraitChangesAndCascadeToSegmentsThatReferenceTheChangedOne() {
        ProfileKey p1 = new ProfileKey(WS, "p1");
        var stored = Map.of(p1, stored(p1, traits("{\"plan\": \"pro\"}"), traits("{\"ltv\": 10}"), T0));
        var segments = Map.of(WS, List.of(
                ready("big", "{\"computedTrait\": \"ltv\", \"op\": \"gte\", \"value\": 500}"),
                ready("vip", "{\"and\": [{\"segment\": \"big\"}, {\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}]}"),
                ready("small", "{\"not\": {\"segment\": \"big\"}}")));
        var change = new ProfileChanged(UUID.randomUUID(), WS, T0.plusSeconds(1), "p1", Map.of(), traits("{\"ltv\": 600}"));

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

    private static ProfileChanged change(String profileId, String traitsJson, Instant at) {
        return new ProfileChanged(UUID.randomUUID(), WS, at, profileId, traits(traitsJson), Map.of());
    }

    /** A stored row whose every key was last written at {@code at}. */
    private static ProfileState stored(ProfileKey key, Map<String, JsonNode> traits, Map<String, JsonNode> computed,
                                       Instant at) {
        Map<String, Instant> traitsAt = new HashMap<>();
        traits.keySet().forEach(name -> traitsAt.put(name, at));
        Map<String, Instant> computedAt = new HashMap<>();
        computed.keySet().forEach(name -> computedAt.put(name, at));
        return new ProfileState(key, traits, computed, at, traitsAt, computedAt);
    }

    /** A trait map as ProfileChanged carries it: a JSON null stays a null node (it removes the trait). */
    private static Map<String, JsonNode> traits(String json) {
        Map<String, JsonNode> traits = new HashMap<>();
        MessageCodec.mapper().readTree(json).forEachEntry(traits::put);
        return traits;
    }
}
