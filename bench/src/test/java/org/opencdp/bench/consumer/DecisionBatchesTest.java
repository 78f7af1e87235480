package org.opencdp.bench.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ConsentDecisionRequest;
import org.opencdp.contracts.ConsentDecisions;
import org.opencdp.contracts.MessageCodec;

class DecisionBatchesTest {

    @Test
    void shouldDrawTheAskedNumberOfDistinctIdsWhenPeopleRepeat() {
        // 150 people, 140 ids: drawing with replacement repeats people, the batch must not
        List<String> ids = DecisionBatches.draw(new SplittableRandom(1), 150, 140);

        assertThat(ids).hasSize(140).doesNotHaveDuplicates();
    }

    @Test
    void shouldMixPreloadedMergedAwayAndUnknownIdsWhenDrawing() {
        long profiles = 10_000;
        Set<String> people = new HashSet<>();
        for (long i = 1; i <= profiles; i++) {
            people.add(BenchData.profileId(i));
        }
        Set<String> merged = new HashSet<>();
        for (long k = 1; k <= DecisionBatches.mergedIds(profiles); k++) {
            merged.add(DecisionBatches.mergedId(k));
        }

        List<String> ids = DecisionBatches.draw(new SplittableRandom(7), profiles, 1000);

        long known = ids.stream().filter(people::contains).count();
        long mergedAway = ids.stream().filter(merged::contains).count();
        long unknown = ids.size() - known - mergedAway;
        assertThat(known).isBetween(960L, 995L);
        assertThat(mergedAway).isBetween(2L, 25L);
        assertThat(unknown).isBetween(2L, 25L);
    }

    @Test
    void shouldGiveTheMergedAwayIdThePreloadStoredWhenJavaComputesIt() {
        // PostgreSQL: SELECT md5('bench-merged-' || 1)::uuid::text
        assertThat(DecisionBatches.mergedId(1)).isEqualTo("a551d818-cdb2-27f5-c86b-7a7df924b1a9");
    }

    @Test
    void shouldDrawTheSameIdsWhenTheSeedIsTheSame() {
        assertThat(DecisionBatches.draw(new SplittableRandom(3), 1000, 50))
                .isEqualTo(DecisionBatches.draw(new SplittableRandom(3), 1000, 50));
    }

    @Test
    void shouldRefuseWhenTheRequestWouldBeTooLargeOrThePeopleTooFew() {
        assertThatThrownBy(() -> DecisionBatches.draw(new SplittableRandom(1), 99, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DecisionBatches.draw(new SplittableRandom(1), 1_000_000,
                ConsentDecisionRequest.MAX_PROFILES + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteTheRequestActivationSendsWhenBuildingTheBody() {
        List<String> ids = List.of(BenchData.profileId(1), BenchData.profileId(2));

        ConsentDecisionRequest request = MessageCodec.mapper().readValue(DecisionBatches.body(ids),
                ConsentDecisionRequest.class);

        assertThat(request).isEqualTo(new ConsentDecisionRequest(List.of("marketing", "analytics"), ids, null));
    }

    @Test
    void shouldCountTheDecisionsWhenReadingAnAnswer() {
        String answer = MessageCodec.mapper().writeValueAsString(new ConsentDecisions(List.of(
                new ConsentDecisions.Decision("a", "allow", "d1", java.util.Map.of("marketing", "granted")),
                new ConsentDecisions.Decision("b", "deny", "d2", java.util.Map.of("marketing", "denied")))));

        assertThat(DecisionBatches.decisionsIn(answer)).isEqualTo(2);
        assertThat(DecisionBatches.decisionsIn("{\"decisions\":[]}")).isZero();
    }

    @Test
    void shouldMeetTheTargetOnlyWhenTheP99IsUnderItAndNothingFailed() {
        assertThat(DecisionBatches.verdict(4.9, 5.0, 0)).isEqualTo("met");
        assertThat(DecisionBatches.verdict(5.0, 5.0, 0)).isEqualTo("not met");
        assertThat(DecisionBatches.verdict(1.0, 5.0, 3)).startsWith("not met");
    }
}
