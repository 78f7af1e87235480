package org.opencdp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.opencdp.local.PlatformService;

/**
 * PostgreSQL stopped under load for {@code -Dfaults.postgres-outage} (2 minutes), then started on the
 * same data directory: every service is ready again with no action, nothing was dead-lettered, and
 * every event accepted is stored once with exact traits, memberships and deliveries.
 */
@EnabledIfSystemProperty(named = "faults", matches = "true", disabledReason = FaultSuite.DISABLED)
class PostgresOutageFaultIT {

    private static final String TEST = "postgres outage";

    @Test
    void servicesRecoverByThemselvesAndNothingIsDeadLettered() throws IOException {
        FaultPlatform platform = FaultPlatform.shared();
        FaultWorkspace workspace = new FaultWorkspace(platform);
        Duration outage = FaultSuite.duration("faults.postgres-outage", "PT2M");
        try (Webhook webhook = new Webhook(); LoadGenerator load = workspace.load()) {
            workspace.addDestination("CRM", webhook);
            Map<String, Long> deadLettersBefore = DeadLetters.count(platform.bootstrapServers());
            load.identifyEveryone();
            load.start();
            FaultSuite.loadFor(FaultSuite.STEADY);

            long stopped = System.nanoTime();
            platform.stopPostgres();
            System.out.printf("[%s] PostgreSQL stopped after %d events accepted; down for %s%n", TEST, load.accepted(), outage);
            FaultSuite.loadFor(outage);
            System.out.printf("[%s] answers while it was down: %s%n", TEST, load.statuses());
            platform.startPostgres();
            long restarted = System.nanoTime();
            System.out.printf("[%s] PostgreSQL back after %d s%n", TEST, (restarted - stopped) / 1_000_000_000);
            for (PlatformService service : PlatformService.values()) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                        .until(() -> FaultPlatform.status(platform.url(service).resolve("/actuator/health/readiness")) == 200);
            }
            System.out.printf("[%s] all six services ready %d ms after PostgreSQL was back, none restarted%n", TEST,
                    (System.nanoTime() - restarted) / 1_000_000);
            FaultSuite.loadFor(FaultSuite.STEADY);
            load.stop();
            long resent = load.drain(Duration.ofMinutes(5));
            System.out.printf("[%s] load stopped: %d events sent, %d sent again after a refusal; answers %s%n",
                    TEST, load.sent(), resent, load.statuses());
            List<String> findings;
            try {
                findings = workspace.awaitConsistent(TEST, load, webhook);
            } finally {
                System.out.printf("[%s] dead letters before %s, after %s%n", TEST, deadLettersBefore,
                        DeadLetters.count(platform.bootstrapServers()));
            }
            Map<String, Long> deadLettersAfter = DeadLetters.count(platform.bootstrapServers());
            assertThat(DeadLetters.total(deadLettersAfter)).as("dead letters after the outage: %s", deadLettersAfter)
                    .isEqualTo(DeadLetters.total(deadLettersBefore));
            assertThat(findings).as("what the platform got wrong (printed as FINDING above)").isEmpty();
        }
    }
}
