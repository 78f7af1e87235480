package org.opencdp.profile.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Issue 15: a transaction's changes of one profile get distinct stamps, in order, at microsecond precision. */
class ChangeStampsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00.123456789Z");

    @Test
    void shouldStampAProfilesChangesOneMicrosecondApartAndOtherProfilesFromTheSameInstant() {
        ChangeStamps stamps = ChangeStamps.underLocks(Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(stamps.next("ws", "p1")).isEqualTo("2026-12-06T01:00:00.123456Z");
        assertThat(stamps.next("ws", "p2")).isEqualTo("2026-12-06T01:00:00.123456Z");
        assertThat(stamps.next("ws", "p1")).isEqualTo("2026-12-06T01:00:00.123457Z");
        assertThat(stamps.next("other", "p1")).isEqualTo("2026-12-06T01:00:00.123456Z");
        assertThat(stamps.next("ws", "p1")).isEqualTo("2026-12-06T01:00:00.123458Z");
    }
}
