package org.opencdp.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class LagVerdictTest {

    private static final LagVerdict.Settings SETTINGS = LagVerdict.Settings.defaults(Duration.ofSeconds(10));
    private static final double RATE = 4_000;

    @Test
    void shouldBeBoundedWhenLagSawsUpAndDownByAPollAndDrains() {
        List<LagVerdict.LagPoint> during = series(30, second -> second % 3 == 0 ? 3_000 : 400);
        LagVerdict.GroupVerdict verdict = LagVerdict.judgeGroup("cdp-profile", RATE, during,
                series(5, second -> second < 2 ? 500 : 0), SETTINGS);
        assertThat(verdict.bounded()).as(verdict.reason()).isTrue();
        assertThat(verdict.drainSeconds()).isEqualTo(2.0);
    }

    @Test
    void shouldNotBeBoundedWhenLagKeepsGrowingOverTheStep() {
        // 10% too slow: 400 records/s more than it consumes
        List<LagVerdict.LagPoint> during = series(30, second -> 400L * second);
        LagVerdict.GroupVerdict verdict = LagVerdict.judgeGroup("cdp-profile", RATE, during,
                series(4, second -> Math.max(0, 12_000 - 4_000L * second)), SETTINGS);
        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.slopePerSecond()).isCloseTo(400, within(1.0));
        assertThat(verdict.reason()).contains("lag grew by 400 records/s");
    }

    @Test
    void shouldNotBeBoundedWhenLagDrainsLaterThanTheLimit() {
        List<LagVerdict.LagPoint> during = series(30, second -> 2_000);
        LagVerdict.GroupVerdict verdict = LagVerdict.judgeGroup("cdp-segmentation", RATE, during,
                series(20, second -> second < 15 ? 2_000 : 0), SETTINGS);
        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.drainSeconds()).isEqualTo(15.0);
        assertThat(verdict.reason()).contains("drained only 15.0 s after the step");
    }

    @Test
    void shouldNotBeBoundedWhenLagNeverDrainsWhileWatched() {
        LagVerdict.GroupVerdict verdict = LagVerdict.judgeGroup("cdp-consent", RATE, series(30, second -> 5_000),
                series(60, second -> 5_000), SETTINGS);
        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.drainSeconds()).isNull();
        assertThat(verdict.reason()).contains("did not drain");
    }

    @Test
    void shouldBeBoundedWhenLagStaysZero() {
        LagVerdict.GroupVerdict verdict = LagVerdict.judgeGroup("cdp-identity", RATE, series(30, second -> 0),
                List.of(), SETTINGS);
        assertThat(verdict.bounded()).isTrue();
        assertThat(verdict.drainSeconds()).isZero();
    }

    @Test
    void shouldIgnoreSmallGrowthWhenTheBacklogStaysUnderTwoSecondsOfTraffic() {
        // grows 300/s but only to 4,500 (about a second of traffic) and drains at once
        LagVerdict.GroupVerdict verdict = LagVerdict.judgeGroup("cdp-activation", RATE,
                series(16, second -> 300L * second), series(3, second -> second == 0 ? 4_500 : 0), SETTINGS);
        assertThat(verdict.bounded()).as(verdict.reason()).isTrue();
    }

    @Test
    void shouldJudgeTheStepUnboundedAndNameTheGroupWhenOneGroupFails() {
        LagVerdict.Verdict verdict = LagVerdict.judge(RATE,
                Map.of("cdp-identity", series(30, second -> 0), "cdp-profile", series(30, second -> 1_000L * second)),
                Map.of("cdp-identity", series(2, second -> 0), "cdp-profile", series(60, second -> 30_000)), SETTINGS);
        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.reason()).startsWith("cdp-profile: ").doesNotContain("cdp-identity");
    }

    @Test
    void shouldNotCallAStepBoundedWhenNoGroupWasSampled() {
        LagVerdict.Verdict verdict = LagVerdict.judge(RATE, Map.of(), Map.of(), SETTINGS);

        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.reason()).contains("no consumer group's lag was sampled");
    }

    @Test
    void shouldFitTheSlopeOfAStraightLine() {
        assertThat(LagVerdict.slope(series(10, second -> 7 + 250L * second))).isCloseTo(250, within(1e-9));
        assertThat(LagVerdict.slope(List.of(new LagVerdict.LagPoint(1, 5)))).isZero();
    }

    private static List<LagVerdict.LagPoint> series(int seconds, IntToLongFunction lag) {
        List<LagVerdict.LagPoint> points = new ArrayList<>();
        for (int second = 0; second < seconds; second++) {
            points.add(new LagVerdict.LagPoint(second, lag.applyAsLong(second)));
        }
        return points;
    }
}
