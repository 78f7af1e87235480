package org.opencdp.bench.consumer;

import java.time.Duration;

/** The per-consumer benchmarks by name, for {@code Bench}: {@code profile}, {@code consent}, {@code activation}, {@code segmentation}. */
public final class ConsumerBenchmarks {

    private ConsumerBenchmarks() {
    }

    /** Runs the benchmark {@code name} over {@code people} people (profiles preloaded for {@code profile}). */
    public static void run(String name, long people, ConsumerBenchmark.Settings settings) throws Exception {
        ConsumerWorkload workload = switch (name) {
            case "profile" -> new ProfileWorkload(people);
            case "consent" -> new ConsentWorkload(people);
            case "activation" -> new ActivationWorkload(people);
            case "segmentation" -> new SegmentationWorkload(people);
            default -> throw new IllegalArgumentException("No consumer benchmark " + name);
        };
        ConsumerBenchmark.run(workload, settings);
    }

    public static ConsumerBenchmark.Settings settings(long messages, long warmup, int consumers, Duration timeout) {
        return new ConsumerBenchmark.Settings(messages, warmup, consumers, timeout);
    }
}
