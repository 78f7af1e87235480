package org.opencdp.ingestion.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.database.DatabaseCircuit;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.RateLimitOverride;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * default) and spends them locally. No call waits for a lease while the allowance lasts: once a call
 * leaves less than half a lease, the next lease is taken <em>ahead</em>, on a thread of its own, while
 * the calls go on spending what is left (issue 10: a lease taken by the call that ran out, holding the
 * source's lock through the round trip, stopped every connection of a busy source once per lease).
 * Only a call the allowance cannot pay for waits: for the lease under way if there is one, else for
 * a lease it takes itself; neither runs under the lock, so calls that can still pay are never held up.
 * Leased tokens unspent {@code lease-ttl} (1 s) after the latest lease are dropped, so an idle instance
 * cannot hoard tokens: the combined rate may exceed the limit by at most a lease and a half per
 * instance, and tokens an instance leased and never spent are lost (the limit errs on the strict
 * side). After a refusal, or a lease ahead that found the bucket short, the instance knows the
 * bucket's level and refuses locally, without a query, until the bucket could have refilled enough
 * for the call.
 *
 * <p>While PostgreSQL is unreachable (issue 15: a lease fails with {@link
 * DatabaseCircuit.DatabaseUnavailableException}) no call is refused or held up for it: the instance
 * falls back to a local token bucket of the source's full limit, starting full, and takes leases
 * again once the database answers. N instances may then admit up to N times the limit for the
 * length of the outage; the counter {@code cdp.ingestion.database.fallbacks{served=rate_limit}}
 * counts the calls paid that way.
 */
@Component
public class SourceRateLimiter {

    public static final String RATE_LIMITED = "cdp.ingestion.events.rate_limited";

    private static final Logger log = LoggerFactory.getLogger(SourceRateLimiter.class);

    private final IngestionProperties.RateLimit defaults;
    private final RateLimitOverride defaultLimit;
    private final RateLimitStore store;
    private final LongSupplier nanoClock;
    private final Executor leasesAhead;
    private final MeterRegistry meters;
    private final Map<String, Allowance> allowances = new ConcurrentHashMap<>();

    @Autowired
    SourceRateLimiter(IngestionProperties properties, RateLimitStore store, MeterRegistry meters) {
        this(properties.rateLimit(), store, System::nanoTime, onVirtualThreads(), meters);
    }

    /** {@code leasesAhead} runs the leases taken ahead of need (tests run them in the calling thread). */
    SourceRateLimiter(IngestionProperties.RateLimit defaults, RateLimitStore store, LongSupplier nanoClock,
                      Executor leasesAhead, MeterRegistry meters) {
        this.defaults = defaults;
        this.defaultLimit = new RateLimitOverride(defaults.eventsPerSecond(), defaults.burst());
        this.store = store;
        this.nanoClock = nanoClock;
        this.leasesAhead = leasesAhead;
        this.meters = meters;
    }

    /** At most one lease ahead is under way per source, so a thread each costs nothing to bound. */
    private static Executor onVirtualThreads() {
        ThreadFactory threads = Thread.ofVirtual().name("cdp-rate-limit-lease-", 0).factory();
        return task -> threads.newThread(task).start();
    }

    /** Takes {@code events} tokens from the source's bucket, or throws the 429 problem {@code rate_limited}. */
    public void acquire(AuthenticatedSource source, int events) {
        if (!defaults.enabled()) {
            return;
        }
        RateLimitOverride limit = source.rateLimit() != null ? source.rateLimit() : defaultLimit;
        Duration wait = allowanceOf(source.sourceId(), limit).take(source, Math.min(events, limit.burst()));
        if (wait != null) {
            rateLimitedCounter(meters, source).increment(events);
            throw rateLimited(limit, wait);
        }
    }

    /** The counter of the source's events refused for its rate limit, {@code cdp.ingestion.events.rate_limited}. */
    public static Counter rateLimitedCounter(MeterRegistry meters, AuthenticatedSource source) {
        return Counter.builder(RATE_LIMITED).description("Events refused because their source was over its rate limit")
                .tag("source", source.sourceId()).register(meters);
    }

    /** The source's allowance; a new one when its limit changed. No lock on the map when it is there. */
    private Allowance allowanceOf(String sourceId, RateLimitOverride limit) {
        Allowance current = allowances.get(sourceId);
        if (current != null && current.limit.equals(limit)) {
            return current;
        }
        return allowances.compute(sourceId,
                (id, held) -> held != null && held.limit.equals(limit) ? held : new Allowance(limit));
    }

    /** One source's tokens leased by this instance, and what it learnt of the bucket at its last refusal. */
    private final class Allowance {
        private final RateLimitOverride limit;
        private final int leaseSize;
        /** Below this many tokens left, the next lease is taken ahead of need. */
        private final int lowWater;
        private final ReentrantLock lock = new ReentrantLock();
        /** Signalled when a lease under way ends. */
        private final Condition leaseEnded = lock.newCondition();
        private int tokens;
        private long leasedAt;
        private boolean leasing;
        private double levelAtRefusal = -1;
        private long refusedAt;
        /** The local bucket's level while leases fail for the database; -1 while they work. */
        private double localLevel = -1;
        private long localAt;

        Allowance(RateLimitOverride limit) {
            this.limit = limit;
            this.leaseSize = (int) Math.max(1, Math.min(limit.burst(),
                    Math.round(limit.eventsPerSecond() * (defaults.lease().toNanos() / 1e9))));
            this.lowWater = leaseSize / 2;
        }

        /** Takes {@code cost} tokens; null when paid, else how long until the bucket could pay. */
        Duration take(AuthenticatedSource source, int cost) {
            boolean leaseAhead;
            lock.lock();
            try {
                dropExpired();
                while (tokens < cost) {
                    if (leasing) {
                        leaseEnded.awaitUninterruptibly(); // the lease under way may pay for this call
                        dropExpired();
                        continue;
                    }
                    long now = nanoClock.getAsLong();
                    int need = cost - tokens;
                    if (levelAtRefusal >= 0) {
                        double level = Math.min(limit.burst(), levelAtRefusal
                                + (now - refusedAt) / 1e9 * limit.eventsPerSecond());
                        if (level < need) {
                            return untilRefilled(need - level);
                        }
                    }
                    RateLimitStore.Lease lease;
                    try {
                        lease = lease(source, need, Math.max(need, Math.min(limit.burst(), need + leaseSize)));
                    } catch (DatabaseCircuit.DatabaseUnavailableException e) {
                        return takeLocally(cost);
                    }
                    if (lease.granted() < need) {
                        levelAtRefusal = lease.remaining();
                        refusedAt = now;
                        return untilRefilled(need - lease.remaining());
                    }
                    levelAtRefusal = -1;
                }
                tokens -= cost;
                leaseAhead = tokens < lowWater && !leasing && levelAtRefusal < 0;
                leasing |= leaseAhead;
            } finally {
                lock.unlock();
            }
            if (leaseAhead) {
                startLeaseAhead(source);
            }
            return null;
        }

        /**
         * Takes a lease from the store without holding the lock (held on entry and on return), so
         * calls the allowance can still pay for go on meanwhile; the granted tokens are added.
         */
        private RateLimitStore.Lease lease(AuthenticatedSource source, int need, int want) {
            leasing = true;
            RateLimitStore.Lease lease = null;
            lock.unlock();
            try {
                lease = store.lease(source.workspaceId(), UUID.fromString(source.sourceId()), limit, need, want);
                return lease;
            } finally {
                lock.lock();
                leasing = false;
                if (lease != null) {
                    localLevel = -1; // the database answers again: the local bucket is done with
                }
                if (lease != null && lease.granted() > 0) {
                    tokens += lease.granted();
                    leasedAt = nanoClock.getAsLong();
                }
                leaseEnded.signalAll();
            }
        }

        private void startLeaseAhead(AuthenticatedSource source) {
            try {
                leasesAhead.execute(() -> leaseAhead(source));
            } catch (RuntimeException e) {
                lock.lock();
                try {
                    leasing = false;
                    leaseEnded.signalAll();
                } finally {
                    lock.unlock();
                }
                log.warn("Could not start a rate-limit lease ahead for source {}: {}", source.sourceId(), e.toString());
            }
        }

        /**
         * A lease of {@code leaseSize} taken before the allowance runs out: whatever the bucket has up
         * to that; when it had less, its level is kept, so calls the allowance cannot pay are refused
         * locally.
         */
        private void leaseAhead(AuthenticatedSource source) {
            lock.lock();
            try {
                RateLimitStore.Lease lease = lease(source, 1, leaseSize);
                if (lease.granted() < leaseSize) {
                    levelAtRefusal = lease.remaining();
                    refusedAt = nanoClock.getAsLong();
                }
            } catch (DatabaseCircuit.DatabaseUnavailableException e) {
                // the circuit logged it; a call that runs out pays from the local bucket
                log.debug("No rate-limit lease ahead for source {}: the database is unreachable", source.sourceId());
            } catch (RuntimeException e) {
                // the call that set it off was paid; a call that runs out takes its own lease and meets the error
                log.warn("Could not lease rate-limit tokens ahead for source {}: {}", source.sourceId(), e.toString());
            } finally {
                lock.unlock();
            }
        }

        /**
         * Pays {@code cost} from the local bucket (held under the lock) when no lease can be taken:
         * the source's whole limit, enforced by this instance alone. Null when paid, else the wait.
         */
        private Duration takeLocally(int cost) {
            long now = nanoClock.getAsLong();
            localLevel = localLevel < 0 ? limit.burst()
                    : Math.min(limit.burst(), localLevel + (now - localAt) / 1e9 * limit.eventsPerSecond());
            localAt = now;
            if (localLevel < cost) {
                return untilRefilled(cost - localLevel);
            }
            localLevel -= cost;
            DatabaseCircuit.fallbacks(meters, "rate_limit").increment();
            return null;
        }

        /** Drops leased tokens unspent {@code lease-ttl} after the latest lease. */
        private void dropExpired() {
            if (nanoClock.getAsLong() - leasedAt > defaults.leaseTtl().toNanos()) {
                tokens = 0;
            }
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
