package org.opencdp.profile.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.ProfileEvents;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 14: the identifiers of a resolved event are the ones identity-service resolved it with
 * ({@code EventResolved.identifiers}), not worked out again from the event by profile's own rules.
 */
class IncomingEventTest {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void shouldTakeTheIdentifiersIdentityResolvedTheEventWith() {
        SegmentEvent event = ProfileEvents.personEvent(SegmentEvent.EventType.identify, "m-1", "test-user", "anon-1", T,
                "{\"phone\":\"020 7946 0958\"}", null);
        // identity blocked "test-user" in this workspace, read the phone in GB and added a custom identifier
        List<Identifier> resolved = List.of(new Identifier("anonymous_id", "anon-1"),
                new Identifier("loyalty_card", "LC-7"), new Identifier("phone", "+442079460958"));
        EventResolved message = new EventResolved(UUID.randomUUID(), "ws_1", "p-1", "src", T, T, event, resolved);

        assertThat(decode(message).identifiers()).containsExactlyElementsOf(resolved);
    }

    @Test
    void shouldReadAMessageWrittenBeforeIdentifiersExistedUnderTheDefaultRules() {
        SegmentEvent event = ProfileEvents.personEvent(SegmentEvent.EventType.identify, "m-2", "u-2", null, T,
                "{\"email\":\" Ada@Example.com \",\"phone\":\"020 7946 0958\"}", null);
        String old = withoutIdentifiers(new EventResolved(UUID.randomUUID(), "ws_1", "p-2", "src", T, T, event));

        assertThat(decode(old).identifiers()).containsExactly(new Identifier("email", "ada@example.com"),
                new Identifier("user_id", "u-2"));
    }

    private static IncomingEvent decode(EventResolved message) {
        return decode(MessageCodec.toJson(message));
    }

    private static IncomingEvent decode(String json) {
        return IncomingEvent.decode(new ConsumerRecord<>(Topics.RESOLVED_EVENTS, 0, 0, "ws_1:p", json));
    }

    /** The message as a producer wrote it before {@code identifiers} was part of the contract. */
    private static String withoutIdentifiers(EventResolved message) {
        ObjectNode node = MessageCodec.mapper().valueToTree(message);
        node.remove("identifiers");
        return MessageCodec.mapper().writeValueAsString(node);
    }
}
