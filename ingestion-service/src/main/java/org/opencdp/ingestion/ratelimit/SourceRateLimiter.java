package org.opencdp.ingestion.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.RateLimitOverride;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The per-source rate limit of the Tracking API, across every instance: a token bucket per source
 * holding {@code burst} events and refilling {@code eventsPerSecond}, both from {@code
 * cdp.ingestion.rate-limit.*} unless the source has its own, kept in PostgreSQL ({@link
 * RateLimitStore}) so N replicas together allow the limit once, not N times. A call costs one token
 * per event (a batch of 100 costs 100), except that no call costs more than the whole bucket, so a
 * batch larger than {@code burst} still passes once the bucket is full. A call the bucket cannot pay
 * for is refused with 429 {@code rate_limited} and a {@code Retry-After} of the seconds until it
 * could; it takes no tokens.
 *
 * <p>The hot path does not query the database per call: each instance <em>leases</em> tokens in
 * chunks of {@code eventsPerSecond × lease} ({@code cdp.ingestion.rate-limit.lease}, 50 ms of refill by
 * default) and spends them locally; only a call its local allowance cannot pay for takes a new lease
 * (one statement). A lease unspent after {@code lease-ttl} (1 s) is dropped, so an idle instance cannot
 * hoard tokens: the combined rate may exceed the limit by at most one lease per instance, and tokens
 * an instance leased and never spent are lost (the limit errs on the strict side). After a refusal
 * the instance knows the bucket's level and refuses locally, without a query, until the bucket could
 * have refilled enough for the call.
 */
@Component
public class SourceRateLimiter {

    private final IngestionProperties.RateLimit defaults;
    private final RateLimitStore store;
    private final LongSupplier nanoClock;
    private final MeterRegistry meters;
    private final Map<String, Allowance> allowances = new ConcurrentHashMap<>();

    @Autowired
    SourceRateLimiter(IngestionProperties properties, RateLimitStore store, MeterRegistry meters) {
        this(properties.rateLimit(), store, System::nanoTime, meters);
    }

    SourceRateLimiter(IngestionProperties.RateLimit defaults, RateLimitStore store, LongSupplier nanoClock,
                      MeterRegistry meters) {
        this.defaults = defaults;
        this.store = store;
        this.nanoClock = nanoClock;
        this.meters = meters;
    }

    /** Takes {@code events} tokens from the source's bucket, or throws the 429 problem {@code rate_limited}. */
    public void acquire(AuthenticatedSource source, int events) {
        if (!defaults.enabled()) {
            return;
        }
        RateLimitOverride limit = source.rateLimit() != null ? source.rateLimit()
                : new RateLimitOverride(defaults.eventsPerSecond(), defaults.burst());
        Allowance allowance = allowances.compute(source.sourceId(),
                (id, current) -> current != null && current.limit.equals(limit) ? current : new Allowance(limit));
        Duration wait;
        synchronized (allowance) {
            wait = allowance.take(source, Math.min(events, limit.burst()));
        }
        if (wait != null) {
            Counter.builder("cdp.ingestion.events.rate_limited")
                    .description("Events refused because their source was over its rate limit")
                    .tag("source", source.sourceId()).register(meters).increment(events);
            throw rateLimited(limit, wait);
        }
    }

    /** One source's tokens leased by this instance, and what it learnt of the bucket at its last refusal. */
    private final class Allowance {
        private final RateLimitOverride limit;
        private final int leaseSize;
        private int tokens;
        private long leasedAt;
        private double levelAtRefusal = -1;
        private long refusedAt;

        Allowance(RateLimitOverride limit) {
            this.limit = limit;
            this.leaseSize = (int) Math.max(1, Math.min(limit.burst(),
                    Math.round(limit.eventsPerSecond() * (defaults.lease().toNanos() / 1e9))));
        }

        /** Takes {@code cost} tokens; null when paid, else how long until the bucket could pay. */
        Duration take(AuthenticatedSource source, int cost) {
            long now = nanoClock.getAsLong();
            if (now - leasedAt > defaults.leaseTtl().toNanos()) {
                tokens = 0;
            }
            if (tokens >= cost) {
                tokens -= cost;
                return null;
            }
            int need = cost - tokens;
            if (levelAtRefusal >= 0) {
                double level = Math.min(limit.burst(), levelAtRefusal
                        + (now - refusedAt) / 1e9 * limit.eventsPerSecond());
                if (level < need) {
                    return untilRefilled(need - level);
                }
            }
            int want = Math.min(limit.burst(), need + leaseSize);
            RateLimitStore.Lease lease = store.lease(source.workspaceId(), UUID.fromString(source.sourceId()),
                    limit, need, Math.max(need, want));
            if (lease.granted() < need) {
                levelAtRefusal = lease.remaining();
                refusedAt = now;
                return untilRefilled(need - lease.remaining());
            }
            levelAtRefusal = -1;
            tokens += lease.granted() - cost;
            leasedAt = now;
            return null;
        }

        private Duration untilRefilled(double missing) {
            return Duration.ofNanos((long) Math.ceil(missing / limit.eventsPerSecond() * 1e9));
        }
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
}
