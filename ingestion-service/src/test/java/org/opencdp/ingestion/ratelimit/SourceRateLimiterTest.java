package org.opencdp.ingestion.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.RateLimitOverride;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;

class SourceRateLimiterTest {

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SourceRateLimiter limiter = new SourceRateLimiter(
            new IngestionProperties.RateLimit(true, 10, 20), clock, meters);
    private final AuthenticatedSource source = new AuthenticatedSource("ws", "s1", null);

    @Test
    void shouldAdmitABurstThenRefuseWithRetryAfterUntilTheBucketRefills() {
        limiter.acquire(source, 20);

        CdpException refused = catchThrowableOfType(CdpException.class, () -> limiter.acquire(source, 5));

        assertThat(refused.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(refused.retryAfterOrNull()).isEqualTo(Duration.ofSeconds(1));
        assertThat(refused.properties()).containsEntry("eventsPerSecond", 10).containsEntry("burst", 20);
        assertThat(meters.get("cdp.ingestion.events.rate_limited").tag("source", "s1").counter().count())
                .isEqualTo(5);

        clock.advance(Duration.ofMillis(500));
        assertThatNoException().isThrownBy(() -> limiter.acquire(source, 5));
        assertThat(catchThrowableOfType(CdpException.class, () -> limiter.acquire(source, 1))).isNotNull();
    }

    @Test
    void shouldCountABatchInEventsButNeverChargeMoreThanTheBurst() {
        limiter.acquire(source, 15);
        assertThat(catchThrowableOfType(CdpException.class, () -> limiter.acquire(source, 6))).isNotNull();

        clock.advance(Duration.ofSeconds(2));
        assertThatNoException().isThrownBy(() -> limiter.acquire(source, 100));
        CdpException refused = catchThrowableOfType(CdpException.class, () -> limiter.acquire(source, 100));
        assertThat(refused.retryAfterOrNull()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldKeepOneBucketPerSource() {
        limiter.acquire(source, 20);

        assertThatNoException().isThrownBy(() -> limiter.acquire(new AuthenticatedSource("ws", "s2", null), 20));
    }

    @Test
    void shouldApplyTheSourcesOwnLimitAndANewBucketWhenItChanges() {
        var strict = new AuthenticatedSource("ws", "s1", new RateLimitOverride(1, 2));
        limiter.acquire(strict, 2);
        CdpException refused = catchThrowableOfType(CdpException.class, () -> limiter.acquire(strict, 1));
        assertThat(refused.properties()).containsEntry("eventsPerSecond", 1).containsEntry("burst", 2);

        var relaxed = new AuthenticatedSource("ws", "s1", new RateLimitOverride(100, 100));
        assertThatNoException().isThrownBy(() -> limiter.acquire(relaxed, 100));
    }

    @Test
    void shouldAdmitEverythingWhenDisabled() {
        var unlimited = new SourceRateLimiter(new IngestionProperties.RateLimit(false, 1, 1), clock, meters);

        assertThatNoException().isThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                unlimited.acquire(source, 2_500);
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

    private static final class ManualClock implements TimeMeter {
        private long nanos = 1_000_000_000L;

        void advance(Duration duration) {
            nanos += duration.toNanos();
        }

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
