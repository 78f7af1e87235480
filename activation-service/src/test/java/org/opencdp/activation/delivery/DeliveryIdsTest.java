package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 9: delivery ids are natural keys, so an event re-sent under a new message id queues nothing more. */
class DeliveryIdsTest {

    private static final UUID DESTINATION = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final UUID OTHER_DESTINATION = UUID.fromString("00000000-0000-0000-0000-0000000000d2");

    @Test
    void shouldComputeTheRfc9562VersionFiveExample() {
        // RFC 9562, appendix A.4: the DNS namespace and "www.example.com"
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        assertThat(DeliveryIds.v5(dns, "www.example.com"))
                .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    }

    @Test
    void shouldGiveTheSameIdWhenTheSameEventReachesTheSameDestinationAgain() {
        UUID first = DeliveryIds.ofEvent("ws_a", DESTINATION, "msg-1");

        assertThat(DeliveryIds.ofEvent("ws_a", DESTINATION, "msg-1")).isEqualTo(first);
        assertThat(first.version()).isEqualTo(5);
        assertThat(first.variant()).isEqualTo(2);
    }

    @Test
    void shouldGiveDifferentIdsWhenDestinationWorkspaceMessageOrKindDiffer() {
        UUID base = DeliveryIds.ofEvent("ws_a", DESTINATION, "msg-1");
        UUID change = UUID.fromString("00000000-0000-0000-0000-00000000c0de");

        assertThat(DeliveryIds.ofEvent("ws_a", OTHER_DESTINATION, "msg-1")).isNotEqualTo(base);
        assertThat(DeliveryIds.ofEvent("ws_b", DESTINATION, "msg-1")).isNotEqualTo(base);
        assertThat(DeliveryIds.ofEvent("ws_a", DESTINATION, "msg-2")).isNotEqualTo(base);
        assertThat(DeliveryIds.ofMembershipChange("ws_a", DESTINATION, change))
                .isNotEqualTo(DeliveryIds.ofEvent("ws_a", DESTINATION, change.toString()));
        // the workspace's length is part of the name: "ws:a" + "b" never spells the same as "ws" + "a:b"
        assertThat(DeliveryIds.ofEvent("ws:a", DESTINATION, "b")).isNotEqualTo(DeliveryIds.ofEvent("ws", DESTINATION, "a:b"));
    }
}
