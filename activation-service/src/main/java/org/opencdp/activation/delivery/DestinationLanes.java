package org.opencdp.activation.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each destination's own worker (issue 13, isolation): at most one per destination in this instance,
 * on a virtual thread of its own, sending what a round claimed for it and recording the outcomes.
 * While it runs, the destination is {@link #busy()} and rounds claim nothing more for it, but go on
 * claiming, deciding and handing work to every other destination. So a destination that is down,
 * slow or trickling its answers holds its own worker until the call's deadline, never another's, and
 * never the round.
 *
 * <p>A worker ends by its round's deadline (every call has one). One still running when its lease
 * ran out (a bug, or a database that does not answer) is given up: interrupted and no longer counted
 * busy, since its deliveries may be claimed again by then.
 */
final class DestinationLanes {

    private static final Logger log = LoggerFactory.getLogger(DestinationLanes.class);

    // each worker runs with the round's service (MDC) and trace context: under ./cdp up, six services share the JVM
    private final ExecutorService workers = ServiceLogContext.virtualThreadPerTask("activation-destination-");
    private final Map<DestinationRef, Lane> running = new ConcurrentHashMap<>();
    private final Clock clock;

    DestinationLanes(Clock clock) {
        this.clock = clock;
    }

    /** A destination's running worker: until when its deliveries' leases hold, and its thread once it runs. */
    private static final class Lane {
        private final Instant leaseEnd;
        private volatile Thread thread;
        private volatile boolean givenUp;

        private Lane(Instant leaseEnd) {
            this.leaseEnd = leaseEnd;
        }

        /** A worker not yet running will not start its work; a running one is interrupted. */
        private void giveUp() {
            givenUp = true;
            Thread running = thread;
            if (running != null) {
                running.interrupt();
            }
        }
    }

    /** The destinations whose worker is still sending; a worker past its lease is given up first. */
    Set<DestinationRef> busy() {
        Instant now = clock.instant();
        running.forEach((destination, lane) -> {
            if (now.isAfter(lane.leaseEnd) && running.remove(destination, lane)) {
                log.error("The worker of destination {} was still running when its deliveries' lease ran out; it is "
                        + "interrupted and its deliveries will be claimed again", destination.id());
                lane.giveUp();
            }
        });
        return Set.copyOf(running.keySet());
    }

    /** How many destinations are sending now. */
    int size() {
        return running.size();
    }

    /**
     * Runs {@code work} as {@code destination}'s worker, unless one is running already (then false),
     * and {@code whenDone} after it, however it ended. {@code leaseEnd} is when the leases of the
     * deliveries it sends run out.
     */
    boolean start(DestinationRef destination, Instant leaseEnd, Runnable work, Runnable whenDone) {
        Lane lane = new Lane(leaseEnd);
        if (running.putIfAbsent(destination, lane) != null) {
            return false;
        }
        try {
            workers.execute(() -> {
                lane.thread = Thread.currentThread();
                try {
                    if (!lane.givenUp) {
                        work.run();
                    }
                } catch (RuntimeException e) {
                    log.warn("Sending to destination {} failed; its deliveries will be retried when their lease runs out",
                            destination.id(), e);
                } finally {
                    running.remove(destination, lane);
                    whenDone.run();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            running.remove(destination, lane);
            return false;
        }
    }

    /** Takes no more work and waits up to {@code patience} for the running workers, then interrupts them. */
    void stop(Duration patience) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} destination workers still running at shutdown are interrupted; their deliveries will be "
                        + "claimed again when their lease runs out", running.size());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
