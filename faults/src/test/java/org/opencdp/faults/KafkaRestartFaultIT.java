package org.opencdp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The Kafka broker stopped under load and started again on the same port and log directory: the
 * Tracking API answers 503 while it is down and 200 again by itself once it is back, and every event
 * accepted (the refused ones sent again, as a Segment client does) is stored once.
 */
@EnabledIfSystemProperty(named = "faults", matches = "true", disabledReason = FaultSuite.DISABLED)
class KafkaRestartFaultIT {

    private static final String TEST = "kafka restart";

    @Test
    void trackingApiRefusesWhileKafkaIsDownAndRecoversByItself() {
        FaultPlatform platform = FaultPlatform.shared();
        FaultWorkspace workspace = new FaultWorkspace(platform);
        Duration outage = FaultSuite.duration("faults.kafka-outage", "PT1M");
        try (Webhook webhook = new Webhook(); LoadGenerator load = workspace.load()) {
            workspace.addDestination("CRM", webhook);
            load.identifyEveryone();
            load.start();
            FaultSuite.loadFor(FaultSuite.STEADY);

            long refusedBefore = load.answered("503");
            long stopped = System.nanoTime();
            platform.stopKafka();
            System.out.printf("[%s] broker stopped after %d events accepted%n", TEST, load.accepted());
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> load.answered("503") > refusedBefore);
            System.out.printf("[%s] Tracking API answered its first 503 %d ms after the broker stopped%n", TEST,
                    (System.nanoTime() - stopped) / 1_000_000);
            FaultSuite.loadFor(outage);
            long acceptedWhileDown = load.accepted();
            long restarted = System.nanoTime();
            platform.startKafka();
            System.out.printf("[%s] broker back after %d s down; answers while down: %s%n", TEST,
                    (restarted - stopped) / 1_000_000_000, load.statuses());
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> load.accepted() > acceptedWhileDown + 100);
            System.out.printf("[%s] Tracking API accepting again %d ms after the broker was back, no action taken%n", TEST,
                    (System.nanoTime() - restarted) / 1_000_000);
            FaultSuite.loadFor(FaultSuite.STEADY);
            load.stop();
            long resent = load.drain(Duration.ofMinutes(5));
            System.out.printf("[%s] load stopped: %d events sent, %d sent again after a refusal; answers %s%n",
                    TEST, load.sent(), resent, load.statuses());
            assertThat(load.answered("503")).as("events answered 503 while the broker was down").isPositive();
            List<String> findings = workspace.awaitConsistent(TEST, load, webhook);
            System.out.printf("[%s] dead letters now %s%n", TEST, DeadLetters.count(platform.bootstrapServers()));
            assertThat(findings).as("what the platform got wrong (printed as FINDING above)").isEmpty();
        }
    }
}
