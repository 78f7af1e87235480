package org.opencdp.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.opencdp.local.PlatformService;

/**
 * kill -9 of each service in turn, under load, then a restart: afterwards every event is stored once,
 * in its user's one profile, the counter computed trait is exact, memberships follow the newest plan,
 * and the destination got every order event and ends in the right membership state.
 */
@EnabledIfSystemProperty(named = "faults", matches = "true", disabledReason = FaultSuite.DISABLED)
class ServiceKillFaultIT {

    private static final String TEST = "kill -9";

    @Test
    void killingEachServiceLosesAndDoublesNothing() {
        FaultPlatform platform = FaultPlatform.shared();
        FaultWorkspace workspace = new FaultWorkspace(platform);
        try (Webhook webhook = new Webhook(); LoadGenerator load = workspace.load()) {
            workspace.addDestination("CRM", webhook);
            Map<String, Long> deadLettersBefore = DeadLetters.count(platform.bootstrapServers());
            load.identifyEveryone();
            load.start();
            FaultSuite.loadFor(FaultSuite.STEADY);
            for (PlatformService service : PlatformService.values()) {
                long before = load.accepted();
                platform.kill(service);
                System.out.printf("[%s] killed %s (kill -9) with %d events accepted so far%n", TEST, service.serviceName(), before);
                FaultSuite.loadFor(Duration.ofSeconds(5));
                long restart = System.nanoTime();
                platform.startService(service);
                platform.awaitReady(service);
                System.out.printf("[%s] %s restarted and ready in %d s; %d events accepted meanwhile%n", TEST,
                        service.serviceName(), (System.nanoTime() - restart) / 1_000_000_000, load.accepted() - before);
                FaultSuite.loadFor(FaultSuite.STEADY);
            }
            load.stop();
            long resent = load.drain(Duration.ofMinutes(5));
            System.out.printf("[%s] load stopped: %d events sent, %d sent again after no answer or a refusal; answers %s%n",
                    TEST, load.sent(), resent, load.statuses());
            assertThat(load.accepted()).isEqualTo(load.sent());
            List<String> findings;
            try {
                findings = workspace.awaitConsistent(TEST, load, webhook);
            } finally {
                System.out.printf("[%s] dead letters before %s, after %s%n", TEST, deadLettersBefore,
                        DeadLetters.count(platform.bootstrapServers()));
            }
            assertThat(findings).as("what the platform got wrong (printed as FINDING above)").isEmpty();
        }
    }
}
