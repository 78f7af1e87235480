package org.opencdp.ingestion.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.AuthenticatedSource;

/** The parts without a database; the buckets themselves are tested on PostgreSQL in {@code RateLimitIT}. */
class SourceRateLimiterTest {

    @Test
    void shouldAdmitEverythingWithoutTouchingTheStoreWhenDisabled() {
        var unlimited = new SourceRateLimiter(new IngestionProperties.RateLimit(false, 1, 1, Duration.ofMillis(50),
                Duration.ofSeconds(1)), null, System::nanoTime, new SimpleMeterRegistry());

        assertThatNoException().isThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                unlimited.acquire(new AuthenticatedSource("ws", "9f0c6f1e-3f2a-4a51-9b0e-0a8b4b7f1c11", null), 2_500);
            }
        });
    }

    @Test
    void shouldRoundRetryAfterUpToWholeSecondsOfAtLeastOne() {
        assertThat(SourceRateLimiter.retryAfter(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SourceRateLimiter.retryAfter(Duration.ofMillis(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(SourceRateLimiter.retryAfter(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(SourceRateLimiter.retryAfter(Duration.ofMillis(2_001))).isEqualTo(Duration.ofSeconds(3));
    }
}
