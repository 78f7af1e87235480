package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    void shouldHonourADestinationsHintUpToTheMaximum() {
        assertThat(backoff.after(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.after(3, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.after(1, Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(10));
        assertThat(backoff.after(1, null)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldRefuseAMaximumBelowTheBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
