package org.opencdp.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * One webhook destination down (answering 503) for {@code -Dfaults.destination-outage} (30 minutes)
 * under load, a second one healthy beside it: afterwards the first got everything, and the healthy
 * one's latency (event sent to delivery received) is reported before and during the outage. The
 * latency is printed, not asserted: timing targets live in bench/ and docs/performance.md.
 */
@EnabledIfSystemProperty(named = "faults", matches = "true", disabledReason = FaultSuite.DISABLED)
class DestinationOutageFaultIT {

    private static final String TEST = "destination outage";

    @Test
    void aDestinationDownGetsEverythingAfterwardsAndTheOtherIsNotHeldUp() {
        FaultPlatform platform = FaultPlatform.shared();
        FaultWorkspace workspace = new FaultWorkspace(platform);
        Duration outage = FaultSuite.duration("faults.destination-outage", "PT30M");
        try (Webhook down = new Webhook(); Webhook healthy = new Webhook(); LoadGenerator load = workspace.load()) {
            workspace.addDestination("Down", down);
            workspace.addDestination("Healthy", healthy);
            load.identifyEveryone();
            load.start();
            FaultSuite.loadFor(FaultSuite.STEADY.multipliedBy(2));

            long outageStart = System.currentTimeMillis();
            down.down(true);
            System.out.printf("[%s] destination Down answers 503 from now, for %s%n", TEST, outage);
            FaultSuite.loadFor(outage);
            down.down(false);
            long outageEnd = System.currentTimeMillis();
            System.out.printf("[%s] destination Down back; it refused %d requests meanwhile%n", TEST, down.refused());
            FaultSuite.loadFor(FaultSuite.STEADY);
            load.stop();
            load.drain(Duration.ofMinutes(5));
            System.out.printf("[%s] load stopped: %d events sent; answers %s%n", TEST, load.sent(), load.statuses());
            List<String> findings;
            try {
                findings = workspace.awaitConsistent(TEST, outage, load, down, healthy);
            } finally {
                // printed even when the wait fails: the figures matter either way
                Map<String, Long> sentAt = load.sentAtMillis();
                List<Long> before = new ArrayList<>();
                List<Long> during = new ArrayList<>();
                for (Webhook.Received received : healthy.received()) {
                    Long sent = "event".equals(received.kind()) ? sentAt.get(received.messageId()) : null;
                    if (sent == null) {
                        continue;
                    }
                    long latency = received.receivedAtMillis() - sent;
                    if (sent < outageStart) {
                        before.add(latency);
                    } else if (sent < outageEnd) {
                        during.add(latency);
                    }
                }
                System.out.printf("[%s] healthy destination, event sent to delivered: before the outage p50 %d ms p99 %d ms"
                        + " (%d deliveries); during it p50 %d ms p99 %d ms (%d deliveries)%n", TEST,
                        percentile(before, 50), percentile(before, 99), before.size(),
                        percentile(during, 50), percentile(during, 99), during.size());
            }
            assertThat(findings).as("what the platform got wrong (printed as FINDING above)").isEmpty();
        }
    }

    private static long percentile(List<Long> values, int percent) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
