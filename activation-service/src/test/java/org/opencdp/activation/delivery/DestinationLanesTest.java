package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.MDC;

/** Issue 13 (isolation): one worker per destination, none waiting on another, none kept past its lease. */
class DestinationLanesTest {

    private static final long PATIENCE_SECONDS = 10;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final DestinationLanes lanes = new DestinationLanes(clock);
    private final DestinationRef slow = new DestinationRef("ws", UUID.randomUUID());
    private final DestinationRef healthy = new DestinationRef("ws", UUID.randomUUID());
    private final Instant leaseEnd = clock.instant().plusSeconds(60);

    @AfterEach
    void stopLanes() {
        lanes.stop(Duration.ofSeconds(PATIENCE_SECONDS));
    }

    @Test
    void shouldFinishAnotherDestinationsWorkWhileOneIsStillSending() throws Exception {
        CountDownLatch slowAnswers = new CountDownLatch(1);
        CountDownLatch slowDone = new CountDownLatch(1);
        CountDownLatch healthyDone = new CountDownLatch(1);
        AtomicInteger healthySends = new AtomicInteger();

        assertThat(lanes.start(slow, leaseEnd, () -> awaitQuietly(slowAnswers), slowDone::countDown)).isTrue();
        assertThat(lanes.start(healthy, leaseEnd, healthySends::incrementAndGet, healthyDone::countDown)).isTrue();

        assertThat(healthyDone.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(healthySends).hasValue(1);
        assertThat(lanes.busy()).containsExactly(slow);
        assertThat(slowDone.getCount()).isEqualTo(1);

        slowAnswers.countDown();
        assertThat(slowDone.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(lanes.size()).isZero();
    }

    /** Issue 17: under ./cdp up (six services, one JVM) a worker's log lines carried no or another service's tag. */
    @Test
    void shouldRunEachWorkerWithTheServiceOfTheRoundThatStartedIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> service = new AtomicReference<>();
        try (ServiceLogContext.Scope ignored = ServiceLogContext.enter("activation")) {
            assertThat(lanes.start(healthy, leaseEnd, () -> service.set(MDC.get(ServiceLogContext.MDC_KEY)),
                    done::countDown)).isTrue();
        }
        assertThat(done.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(service).hasValue("activation");
    }

    @Test
    void shouldRunOneWorkerPerDestinationAtATime() throws Exception {
        CountDownLatch answers = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger second = new AtomicInteger();
        assertThat(lanes.start(slow, leaseEnd, () -> awaitQuietly(answers), done::countDown)).isTrue();

        assertThat(lanes.start(slow, leaseEnd, second::incrementAndGet, () -> { })).isFalse();

        answers.countDown();
        assertThat(done.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(second).hasValue(0);
        CountDownLatch again = new CountDownLatch(1);
        assertThat(lanes.start(slow, leaseEnd, second::incrementAndGet, again::countDown)).isTrue();
        assertThat(again.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(second).hasValue(1);
    }

    @Test
    void shouldFreeTheDestinationAndSayItIsDoneWhenItsWorkFails() throws Exception {
        CountDownLatch done = new CountDownLatch(1);

        lanes.start(slow, leaseEnd, () -> {
            throw new IllegalStateException("the connector broke");
        }, done::countDown);

        assertThat(done.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(lanes.busy()).isEmpty();
    }

    @Test
    void shouldGiveUpAndInterruptAWorkerStillRunningWhenItsLeaseRanOut() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        lanes.start(slow, clock.instant().plusSeconds(30), () -> {
            sending.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, done::countDown);
        assertThat(sending.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(lanes.busy()).containsExactly(slow);

        clock.advance(Duration.ofSeconds(31));

        assertThat(lanes.busy()).isEmpty();
        assertThat(interrupted.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(done.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        private MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
