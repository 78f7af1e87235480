package org.opencdp.bench.platform;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything one {@code ./cdp bench} run measured, as written to {@code bench/results/<timestamp>.json}.
 * Times are in milliseconds unless named otherwise; rates per second; CPU in cores (CPU seconds per
 * second) and CPU seconds per 1,000 accepted events.
 */
record BenchResult(String startedAt, String platform, Machine machine, Settings settings, List<Step> steps,
                   Double highestBoundedRate, Single single, List<Target> targets, long peakRssBytes,
                   Deliveries deliveries, List<Tick> timeline) {

    /** The machine; load averages (1, 5, 15 min) at the start and the end of the run. */
    record Machine(int cores, String cpu, long memoryBytes, String java, String os, String loadAtStart,
                   String loadAtEnd) {
    }

    record Settings(List<Double> rates, double stepSeconds, double warmupSeconds, int refine, double drainLimitSeconds,
                    int batchSize, int singleClients, double singleSeconds, double samplesPerSecond, long seed) {
    }

    /** p50/p95/p99/max of {@code count} values, milliseconds; all 0 when there are none. */
    record Percentiles(long count, double p50, double p95, double p99, double max) {

        static Percentiles ofMicros(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Percentiles(0, 0, 0, 0, 0);
            }
            return new Percentiles(micros.getTotalCount(), micros.getValueAtPercentile(50) / 1000.0,
                    micros.getValueAtPercentile(95) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                    micros.getMaxValue() / 1000.0);
        }

        static Percentiles ofMillis(List<Long> millis) {
            Histogram histogram = new Histogram(3);
            millis.forEach(value -> histogram.recordValue(Math.max(0, value)));
            if (histogram.getTotalCount() == 0) {
                return new Percentiles(0, 0, 0, 0, 0);
            }
            return new Percentiles(histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(95), histogram.getValueAtPercentile(99), histogram.getMaxValue());
        }
    }

    /** CPU during a phase: cores used on average, and CPU seconds per 1,000 accepted events. */
    /**
     * @param jvmThreadCores the platform JVM's cores by thread group (jit, gc, broker, ingestion-http; see
     *     {@link ProcessStats#threadGroups}); the rest of {@code jvmCores} is the services' other threads
     */
    record Cpu(double jvmCores, double postgresCores, double machineCores, double jvmSecondsPer1000,
               double postgresSecondsPer1000, double machineSecondsPer1000, double benchCores,
               Map<String, Double> jvmThreadCores) {

        /** Cores used by other processes on the machine (other builds, the OS): neither the platform nor the bench. */
        double otherCores() {
            return Math.max(0, machineCores - jvmCores - postgresCores - benchCores);
        }
    }

    /** One consumer group during a step. */
    record Group(String group, double consumedPerSecond, long maxLag, long endLag, double lagSlopePerSecond,
                 Double drainSeconds, boolean bounded, String reason) {
    }

    /** Latencies of the people sampled during a step, and how many were never seen at each stage. */
    record Latencies(int samples, Percentiles eventToProfile, Percentiles eventToMembership,
                     Percentiles membershipToWebhook, int profileNotSeen, int membershipNotSeen, int webhookNotSeen) {
    }

    record Step(String name, double offeredRate, double seconds, long sentEvents, long acceptedEvents,
                long failedEvents, Map<String, Long> failures, double acceptedPerSecond, Percentiles requestLatency,
                Percentiles sendLateness, List<Group> groups, boolean bounded, String verdict, Latencies latencies,
                Cpu cpu, long peakRssBytes, double startSecond, double endSecond) {
    }

    record Single(int clients, double seconds, long acceptedEvents, long failedEvents, Map<String, Long> failures,
                  double acceptedPerSecond, Percentiles latency, Cpu cpu) {
    }

    /** A target of issue 9 and whether it was met ({@code null}: not measured in this run). */
    record Target(String name, String goal, String measured, Boolean met, String why) {
    }

    /** What reached the webhook and the memberships topic over the whole run. */
    record Deliveries(long webhookDeliveries, long webhookEntered, long membershipsEntered, long membershipsExited) {
    }

    /** One second of the run. */
    record Tick(double second, String phase, double offeredRate, double acceptedPerSecond, Map<String, Long> lag,
                Map<String, Double> consumedPerSecond, double jvmCores, double postgresCores, double machineCores,
                long jvmRssBytes, double benchCores, Map<String, Double> jvmThreadCores) {
    }
}
