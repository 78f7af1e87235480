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

    @Test
    void shouldKeepTheIdsItGaveBeforeSoRetriesAcrossVersionsStillDeduplicate() {
        assertThat(EventIds.of("ws_a", "m-1")).isEqualTo(UUID.fromString("d271cf11-fae7-5143-9a08-1fc8e7982f63"));
        assertThat(EventIds.of("ws_3f9a2c71d04e8b15", "ajs-next-0f7c2a1e9b7d4c3f8e6a5b4c3d2e1f00"))
                .isEqualTo(UUID.fromString("6276493a-ddc4-5811-9680-974c29cabfbc"));
    }

    @Test
    void shouldGiveTheSameIdsFromOneWorkspacesStateForEveryEventOfACall() {
        EventIds.OfWorkspace workspace = EventIds.of("ws_a");

        assertThat(workspace.of("m-1")).isEqualTo(EventIds.of("ws_a", "m-1"));
        assertThat(workspace.of("m-2")).isEqualTo(EventIds.of("ws_a", "m-2"));
        assertThat(workspace.of("m-1")).isEqualTo(EventIds.of("ws_a", "m-1"));
        assertThat(workspace.of("ü-😀")).isEqualTo(EventIds.of("ws_a", "ü-😀"));
    }
}
