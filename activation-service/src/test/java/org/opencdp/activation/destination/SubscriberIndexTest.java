package org.opencdp.activation.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 9: subscriptions are read once per chunk and matched in memory, per workspace. */
class SubscriberIndexTest {

    private static final UUID FIRST = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID SECOND = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID THIRD = UUID.fromString("00000000-0000-0000-0000-000000000003");

    private final SubscriberIndex index = SubscriberIndex.of(List.of(
            new SubscriberIndex.Subscriber("ws_a", SECOND, List.of("Order Completed", "*")),
            new SubscriberIndex.Subscriber("ws_a", FIRST, List.of("Order Completed", "seg-1")),
            new SubscriberIndex.Subscriber("ws_b", THIRD, List.of("Signed Up"))));

    @Test
    void shouldListEachSubscriberOnceInIdOrderWhenSubscribedByNameAndByWildcard() {
        assertThat(index.eventSubscribers("ws_a", "Order Completed")).containsExactly(FIRST, SECOND);
    }

    @Test
    void shouldMatchTheWildcardForEventsButNotForSegments() {
        assertThat(index.eventSubscribers("ws_a", "Cart Viewed")).containsExactly(SECOND);
        assertThat(index.segmentSubscribers("ws_a", "seg-2")).isEmpty();
        assertThat(index.segmentSubscribers("ws_a", "seg-1")).containsExactly(FIRST);
    }

    @Test
    void shouldNeverAnswerWithAnotherWorkspacesDestinations() {
        assertThat(index.eventSubscribers("ws_b", "Order Completed")).isEmpty();
        assertThat(index.eventSubscribers("ws_a", "Signed Up")).containsExactly(SECOND);
        assertThat(index.eventSubscribers("ws_c", "Signed Up")).isEmpty();
        assertThat(SubscriberIndex.empty().eventSubscribers("ws_a", "Order Completed")).isEmpty();
    }
}
