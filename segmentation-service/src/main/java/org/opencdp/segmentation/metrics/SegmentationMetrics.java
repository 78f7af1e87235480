package org.opencdp.segmentation.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What segmentation does, for operators (issue 17), with labels from closed sets only (a workspace or
 * segment label would make one series per customer object):
 * <ul>
 *   <li>{@code cdp_segmentation_membership_changes_total{change=entered|exited}}: MembershipChanged
 *       messages committed, whichever path produced them (real time, build, merge, erasure,
 *       deletion). Counted after the transaction commits, so a chunk that is rolled back and run
 *       again is counted once;</li>
 *   <li>{@code cdp_segmentation_evaluation_seconds{kind=realtime|build}}: time to evaluate and write
 *       one chunk of profile changes, and one build batch (its transaction included).</li>
 * </ul>
 * Every series is registered at start-up, so dashboards and alerts see zeros, not absent series,
 * before the first profile changes. Segment sizes are {@link SegmentSizes}.
 */
@Component
public class SegmentationMetrics {

    /** What a timed evaluation was. */
    public enum Kind {
        realtime, build
    }

    private final Counter entered;
    private final Counter exited;
    private final Timer realtime;
    private final Timer build;

    SegmentationMetrics(MeterRegistry meters) {
        this.entered = changes(meters, "entered");
        this.exited = changes(meters, "exited");
        this.realtime = evaluation(meters, Kind.realtime);
        this.build = evaluation(meters, Kind.build);
    }

    private static Counter changes(MeterRegistry meters, String change) {
        return Counter.builder("cdp.segmentation.membership.changes").tag("change", change)
                .description("Membership changes committed (MembershipChanged messages published)")
                .register(meters);
    }

    private static Timer evaluation(MeterRegistry meters, Kind kind) {
        return Timer.builder("cdp.segmentation.evaluation").tag("kind", kind.name())
                .description("Time to evaluate and write a chunk of profile changes (realtime) or a build batch (build)")
                .register(meters);
    }

    /**
     * Counts a chunk's membership changes once its transaction commits (at once when there is no
     * transaction).
     */
    public void changed(long enteredCount, long exitedCount) {
        if (enteredCount == 0 && exitedCount == 0) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count(enteredCount, exitedCount);
                }
            });
        } else {
            count(enteredCount, exitedCount);
        }
    }

    private void count(long enteredCount, long exitedCount) {
        entered.increment(enteredCount);
        exited.increment(exitedCount);
    }

    /** Records how long {@code evaluation} took when it completes normally. */
    public void time(Kind kind, Runnable evaluation) {
        long start = System.nanoTime();
        evaluation.run();
        timer(kind).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code evaluation} and records how long it took when it did some work (returned {@code
     * true}); an idle poll is not an evaluation.
     */
    public boolean timeIfWorked(Kind kind, BooleanSupplier evaluation) {
        long start = System.nanoTime();
        boolean worked = evaluation.getAsBoolean();
        if (worked) {
            timer(kind).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        return worked;
    }

    private Timer timer(Kind kind) {
        return switch (kind) {
            case realtime -> realtime;
            case build -> build;
        };
    }
}
