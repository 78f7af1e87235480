package org.opencdp.consent.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionIdsTest {

    private static final Instant AT = Instant.parse("2026-12-05T21:30:00.123456Z");

    @Test
    void shouldMakeVersion7IdsThatCarryTheDecisionTimeAndTheRfcVariant() {
        UUID id = DecisionIds.next(AT);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(AT.toEpochMilli());
        assertThat(id.toString()).startsWith("01a2481d-283b-7");
    }

    @Test
    void shouldOrderIdsOfLaterMillisecondsAfterEarlierOnesAndNeverRepeatWithinOne() {
        // issue 12 (decisions benchmark): later decisions append at the primary key's right edge
        UUID earlier = DecisionIds.next(AT);
        UUID later = DecisionIds.next(AT.plusMillis(1));
        Set<UUID> sameMillisecond = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            sameMillisecond.add(DecisionIds.next(AT));
        }

        assertThat(later.toString()).isGreaterThan(earlier.toString());
        assertThat(sameMillisecond).hasSize(10_000)
                .allSatisfy(id -> assertThat(id.toString()).isLessThan(later.toString()));
    }
}
