package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10));

    @Test
    void shouldDoubleTheDelayAfterEveryFailure() {
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.after(7)).isEqualTo(Duration.ofSeconds(320));
    }

    @Test
    void shouldNeverExceedTheMaximumEvenAfterVeryManyFailures() {
        assertThat(backoff.after(8)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backoff.after(63)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backoff.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldJitterBetweenHalfTheDelayAndTheDelay() {
        SplittableRandom random = new SplittableRandom(13);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            Duration delay = backoff.jittered(3, null, random);
            assertThat(delay).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
            seen.add(delay);
        }
        assertThat(seen).hasSizeGreaterThan(100);
        assertThat(backoff.jittered(40, null, random)).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(10));
    }

    @Test
    void shouldHonourADestinationsHintInFullEvenBeyondTheMaximum() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(backoff.jittered(1, Duration.ofSeconds(30), random)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.jittered(3, Duration.ofSeconds(1), random)).isBetween(Duration.ofSeconds(10),
                Duration.ofSeconds(20));
        assertThat(backoff.jittered(1, Duration.ofHours(2), random)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void shouldRefuseAMaximumBelowTheBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
