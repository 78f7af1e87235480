package org.opencdp.bench.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;

class BenchDataTest {

    @Test
    void shouldGiveThePreloadedProfileIdWhenJavaComputesIt() {
        // PostgreSQL: SELECT md5('bench-profile-' || 1)::uuid::text, the id the preload stored
        assertThat(BenchData.profileId(1)).isEqualTo("b45c0b9c-4315-57ff-3d74-6168ac0d4bcb");
    }

    @Test
    void shouldAddressTheEventToTheKnownPersonWhenOneIsGiven() {
        BenchData.Resolved resolved = BenchData.resolvedEvent(42, new SplittableRandom(1), true);

        EventResolved event = MessageCodec.read(resolved.json(), EventResolved.class);
        assertThat(event.profileId()).isEqualTo(BenchData.profileId(42)).isEqualTo(resolved.profileId());
        assertThat(event.workspaceId()).isEqualTo(BenchData.WORKSPACE);
        assertThat(event.event().userId()).isEqualTo("user-42");
        assertThat(event.event().context().path("consent").path("categoryPreferences").path("marketing").isBoolean()).isTrue();
    }
}
