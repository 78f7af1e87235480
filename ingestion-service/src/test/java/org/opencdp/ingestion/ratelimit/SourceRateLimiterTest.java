package org.opencdp.ingestion.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.database.DatabaseCircuit;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.RateLimitOverride;
import org.opencdp.kit.problem.CdpException;

/**
 * The limiter's local allowance against an in-memory bucket with the store's semantics; the store
 * itself (the upsert on PostgreSQL, two instances) is tested in {@code RateLimitIT}.
 */
class SourceRateLimiterTest {

    private static final AuthenticatedSource SOURCE = new AuthenticatedSource("ws",
            "9f0c6f1e-3f2a-4a51-9b0e-0a8b4b7f1c11", null);
    /** 1,000 events/s with 50 ms leases: leases of 50 tokens, the next one taken ahead below 25. */
    private static final IngestionProperties.RateLimit LIMIT = new IngestionProperties.RateLimit(true, 1_000, 10_000,
            Duration.ofMillis(50), Duration.ofSeconds(1));

    /** A thread per task (the common pool may have a single thread on a small machine). */
    private static final Executor OWN_THREAD = task -> Thread.ofPlatform().start(task);

    private final AtomicLong clock = new AtomicLong();

    @Test
    void shouldAdmitEverythingWithoutTouchingTheStoreWhenDisabled() {
        var unlimited = new SourceRateLimiter(new IngestionProperties.RateLimit(false, 1, 1, Duration.ofMillis(50),
                Duration.ofSeconds(1)), null, System::nanoTime, Runnable::run, new SimpleMeterRegistry());

        assertThatNoException().isThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                unlimited.acquire(SOURCE, 2_500);
            }
        });
    }

    @Test
    void shouldLeaseAheadOfNeedSoNoCallWaitsForTheStoreWhileTheAllowanceLastsIssue10() {
        var bucket = new MemoryBucket(10_000);
        List<Runnable> ahead = new ArrayList<>();
        var limiter = limiter(bucket, ahead::add);

        limiter.acquire(SOURCE, 10); // the first call leases what it needs and a lease more: 50 left
        limiter.acquire(SOURCE, 10);
        limiter.acquire(SOURCE, 10); // 30 left
        assertThat(bucket.leases).hasValue(1);
        assertThat(ahead).isEmpty();

        limiter.acquire(SOURCE, 10); // 20 left: below half a lease, so the next one is set going
        assertThat(ahead).hasSize(1);
        limiter.acquire(SOURCE, 10);
        limiter.acquire(SOURCE, 10); // paid from what was left while that lease is still to run
        assertThat(bucket.leases).hasValue(1);
        assertThat(ahead).hasSize(1);

        ahead.getFirst().run();
        limiter.acquire(SOURCE, 50); // the lease ahead paid for it
        assertThat(bucket.leases).hasValue(2);
        assertThat(bucket.taken).isEqualTo(110);
    }

    @Test
    void shouldKeepAdmittingCallsTheAllowanceCanPayWhileALeaseIsUnderWayIssue10() throws Exception {
        var bucket = new MemoryBucket(10_000);
        List<Runnable> ahead = new ArrayList<>();
        var limiter = limiter(bucket, ahead::add);
        limiter.acquire(SOURCE, 40); // leased 90: 50 left
        limiter.acquire(SOURCE, 25); // 25 left

        CountDownLatch storeReached = bucket.blockNextLease();
        CompletableFuture<Void> needsALease = CompletableFuture.runAsync(() -> limiter.acquire(SOURCE, 30), OWN_THREAD);
        assertThat(storeReached.await(10, TimeUnit.SECONDS)).isTrue();

        // that call's lease is waiting on the store: a call the 25 tokens pay for is not held up by it
        CompletableFuture.runAsync(() -> limiter.acquire(SOURCE, 15), OWN_THREAD).get(10, TimeUnit.SECONDS);
        assertThat(needsALease).isNotDone();

        bucket.release();
        needsALease.get(10, TimeUnit.SECONDS);
        assertThat(bucket.leases).hasValue(2);
        assertThat(ahead).isEmpty(); // no lease ahead while one was under way
    }

    @Test
    void shouldWaitForTheLeaseUnderWayInsteadOfTakingAnotherIssue10() throws Exception {
        var bucket = new MemoryBucket(10_000);
        var limiter = limiter(bucket, OWN_THREAD);
        limiter.acquire(SOURCE, 40); // leased 90: 50 left
        limiter.acquire(SOURCE, 25); // 25 left

        CountDownLatch storeReached = bucket.blockNextLease();
        limiter.acquire(SOURCE, 10); // 15 left: a lease ahead starts on its own thread and waits on the store
        assertThat(storeReached.await(10, TimeUnit.SECONDS)).isTrue();
        Thread outrunsTheAllowance = Thread.ofPlatform().start(() -> limiter.acquire(SOURCE, 30));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> outrunsTheAllowance.getState() == Thread.State.WAITING);
        assertThat(bucket.leases).hasValue(1); // it waits for the lease under way, it took none of its own

        bucket.release();
        outrunsTheAllowance.join(10_000);
        assertThat(outrunsTheAllowance.isAlive()).isFalse();
        // the first lease and the one ahead, which paid for the call that outran the allowance
        assertThat(bucket.leases).hasValue(2);
        assertThat(bucket.taken).isEqualTo(140);
    }

    @Test
    void shouldRefuseLocallyOnceALeaseAheadFoundTheBucketShortIssue10() {
        var bucket = new MemoryBucket(70);
        List<Runnable> ahead = new ArrayList<>();
        var limiter = limiter(bucket, ahead::add);
        limiter.acquire(SOURCE, 40); // the bucket's 70 (less than the 90 asked, more than needed): 30 left
        limiter.acquire(SOURCE, 10); // 20 left; a lease ahead is set going
        ahead.getFirst().run();      // and finds the bucket empty

        limiter.acquire(SOURCE, 20); // the 20 held pay for it
        assertThatThrownBy(() -> limiter.acquire(SOURCE, 5)).isInstanceOfSatisfying(CdpException.class,
                e -> assertThat(e.code()).isEqualTo("rate_limited"));
        assertThat(bucket.leases).hasValue(2); // refused without asking the store again

        clock.addAndGet(Duration.ofMillis(10).toNanos()); // 10 events refilled
        limiter.acquire(SOURCE, 5);
        assertThat(bucket.leases).hasValue(3);
        assertThat(bucket.taken).isEqualTo(80);
    }

    @Test
    void shouldDropLeasedTokensUnspentAfterTheLeaseTtl() {
        var bucket = new MemoryBucket(10_000);
        var limiter = limiter(bucket, Runnable::run);
        limiter.acquire(SOURCE, 10); // 50 held

        clock.addAndGet(Duration.ofMillis(1_001).toNanos());
        limiter.acquire(SOURCE, 10);

        assertThat(bucket.leases).hasValue(2);
    }

    @Test
    void shouldFallBackToTheWholeLimitLocallyWhileTheDatabaseIsUnreachableAndLeaseAgainAfterwardsIssue15() {
        var bucket = new MemoryBucket(10_000);
        var meters = new SimpleMeterRegistry();
        var limiter = new SourceRateLimiter(LIMIT, bucket, clock::get, Runnable::run, meters);
        bucket.down = true;

        limiter.acquire(SOURCE, 10_000); // the local bucket starts full: the whole burst
        assertThatThrownBy(() -> limiter.acquire(SOURCE, 1)).isInstanceOfSatisfying(CdpException.class,
                e -> assertThat(e.code()).isEqualTo("rate_limited"));
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        limiter.acquire(SOURCE, 1_000); // a second of this instance's own refill
        assertThat(bucket.leases).as("no lease while the database is away").hasValue(0);
        assertThat(meters.get("cdp.ingestion.database.fallbacks").tag("served", "rate_limit").counter().count())
                .isEqualTo(2);

        bucket.down = false;
        limiter.acquire(SOURCE, 10);
        assertThat(bucket.leases).as("the shared bucket again once the database answers").hasPositiveValue();
        assertThat(bucket.taken).isGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldRoundRetryAfterUpToWholeSecondsOfAtLeastOne() {
        assertThat(SourceRateLimiter.retryAfter(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SourceRateLimiter.retryAfter(Duration.ofMillis(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(SourceRateLimiter.retryAfter(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(SourceRateLimiter.retryAfter(Duration.ofMillis(2_001))).isEqualTo(Duration.ofSeconds(3));
    }

    private SourceRateLimiter limiter(MemoryBucket bucket, Executor ahead) {
        return new SourceRateLimiter(LIMIT, bucket, clock::get, ahead, new SimpleMeterRegistry());
    }

    /** One source's bucket with {@link RateLimitStore#lease}'s rule, refilling by the test's clock. */
    private final class MemoryBucket extends RateLimitStore {
        final AtomicInteger leases = new AtomicInteger();
        int taken;
        private double tokens;
        private long refilledAt;
        private volatile boolean blockNext;
        /** The database is unreachable: leases fail as the circuit fails them. */
        volatile boolean down;
        private CountDownLatch reached;
        private CountDownLatch gate;

        MemoryBucket(double tokens) {
            super(null, null);
            this.tokens = tokens;
            this.refilledAt = clock.get();
        }

        /** The next lease waits, once it has been asked for, until {@link #release}. */
        CountDownLatch blockNextLease() {
            reached = new CountDownLatch(1);
            gate = new CountDownLatch(1);
            blockNext = true;
            return reached;
        }

        void release() {
            gate.countDown();
        }

        @Override
        Lease lease(String workspaceId, UUID sourceId, RateLimitOverride limit, int need, int want) {
            if (down) {
                throw new DatabaseCircuit.DatabaseUnavailableException(Duration.ofSeconds(5));
            }
            if (blockNext) {
                blockNext = false;
                reached.countDown();
                try {
                    assertThat(gate.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            synchronized (this) {
                leases.incrementAndGet();
                long now = clock.get();
                double available = Math.min(limit.burst(), tokens + (now - refilledAt) / 1e9 * limit.eventsPerSecond());
                int granted = available >= want ? want : available >= need ? (int) Math.floor(available) : 0;
                tokens = available - granted;
                refilledAt = now;
                taken += granted;
                return new Lease(granted, tokens);
            }
        }
    }
}
