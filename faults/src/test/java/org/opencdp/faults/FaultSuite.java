package org.opencdp.faults;

import java.time.Duration;

/** What the fault tests share: their switch, and how long load runs around a fault. */
final class FaultSuite {

    static final String DISABLED = "the fault suite runs processes for many minutes: run it with ./cdp faults"
            + " (or -Dfaults=true)";

    /** How long the load runs before and after each fault: {@code -Dfaults.steady}, 30 s by default. */
    static final Duration STEADY = Duration.parse(System.getProperty("faults.steady", "PT30S"));

    private FaultSuite() {
    }

    /** Lets the load generator run for {@code duration} (the fault's time: nothing to await). */
    static void loadFor(Duration duration) {
        FaultPlatform.sleep(duration.toMillis());
    }

    static Duration duration(String property, String fallback) {
        return Duration.parse(System.getProperty(property, fallback));
    }
}
