package org.opencdp.ingestion.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.RateLimitOverride;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The per-source rate limit of the Tracking API: a Bucket4j token bucket per source holding
 * {@code burst} events and refilling {@code eventsPerSecond}, both from {@code
 * cdp.ingestion.rate-limit.*} unless the source has its own. A call costs one token per event
 * (a batch of 100 costs 100), except that no call costs more than the whole bucket, so a batch
 * larger than {@code burst} still passes once the bucket is full. A call the bucket cannot pay
 * for is refused with 429 {@code rate_limited} and a {@code Retry-After} of the seconds until it
 * could; it takes no tokens.
 *
 * <p>The buckets live in this instance's memory: with N instances behind a load balancer a source
 * may send up to N times its limit. Cluster-wide limits would keep the buckets in PostgreSQL
 * ({@code bucket4j-postgresql}); the in-memory limit is what protects each instance. There is one
 * bucket per source that sent events since start-up (bounded by the number of sources); a
 * source's changed limit replaces its bucket on its next call.
 */
@Component
public class SourceRateLimiter {

    private final IngestionProperties.RateLimit defaults;
    private final TimeMeter clock;
    private final MeterRegistry meters;
    private final Map<String, Limited> buckets = new ConcurrentHashMap<>();

    @Autowired
    SourceRateLimiter(IngestionProperties properties, MeterRegistry meters) {
        this(properties.rateLimit(), TimeMeter.SYSTEM_NANOTIME, meters);
    }

    SourceRateLimiter(IngestionProperties.RateLimit defaults, TimeMeter clock, MeterRegistry meters) {
        this.defaults = defaults;
        this.clock = clock;
        this.meters = meters;
    }

    /** Takes {@code events} tokens from the source's bucket, or throws the 429 problem {@code rate_limited}. */
    public void acquire(AuthenticatedSource source, int events) {
        if (!defaults.enabled()) {
            return;
        }
        RateLimitOverride limit = source.rateLimit() != null ? source.rateLimit()
                : new RateLimitOverride(defaults.eventsPerSecond(), defaults.burst());
        Limited limited = buckets.compute(source.sourceId(),
                (id, current) -> current != null && current.limit().equals(limit) ? current : newBucket(limit));
        ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(Math.min(events, limit.burst()));
        if (!probe.isConsumed()) {
            Counter.builder("cdp.ingestion.events.rate_limited")
                    .description("Events refused because their source was over its rate limit")
                    .tag("source", source.sourceId()).register(meters).increment(events);
            throw rateLimited(limit, Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    private Limited newBucket(RateLimitOverride limit) {
        Bucket bucket = Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.burst())
                        .refillGreedy(limit.eventsPerSecond(), Duration.ofSeconds(1)))
                .withCustomTimePrecision(clock)
                .build();
        return new Limited(limit, bucket);
    }

    /** Retry-After in whole seconds, rounded up and at least 1, as HTTP wants it. */
    static Duration retryAfter(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private static CdpException rateLimited(RateLimitOverride limit, Duration wait) {
        return new CdpException(ErrorKind.RATE_LIMITED, "rate_limited", "Too many requests",
                "This source may send " + limit.eventsPerSecond() + " events per second (bursts of up to "
                        + limit.burst() + "); send these events again after the Retry-After delay.")
                .with("eventsPerSecond", limit.eventsPerSecond())
                .with("burst", limit.burst())
                .retryAfter(retryAfter(wait));
    }

    private record Limited(RateLimitOverride limit, Bucket bucket) {
    }
}
