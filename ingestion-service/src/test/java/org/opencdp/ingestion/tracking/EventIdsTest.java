package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void shouldDeriveTheSameVersion5IdFromTheSameWorkspaceAndMessageId() { // issue 10: retries de-duplicate
        UUID id = EventIds.of("ws_a", "m-1");

        assertThat(EventIds.of("ws_a", "m-1")).isEqualTo(id);
        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(EventIds.of("ws_b", "m-1")).isNotEqualTo(id);
        assertThat(EventIds.of("ws_a", "m-2")).isNotEqualTo(id);
        assertThat(EventIds.of("ws_ab", "c")).isNotEqualTo(EventIds.of("ws_a", "bc"));
    }
}
