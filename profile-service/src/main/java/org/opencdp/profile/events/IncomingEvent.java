package org.opencdp.profile.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.kit.kafka.IncomingMessages;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.profile.computed.EventName;
import org.opencdp.profile.identifiers.Identifiers;
import org.opencdp.profile.profiles.ProfileRef;
import org.opencdp.profile.traits.TraitExtractor;
import org.opencdp.profile.traits.TraitObservation;
import tools.jackson.databind.node.ObjectNode;

/**
 * A resolved event as the consumer applies it, worked out from its record before any transaction:
 * the message, the event as the store keeps it (for the profile identity resolved it to, which may
 * have been merged away since), its JSON, and what it says about the person: trait observations,
 * and the identifiers identity-service resolved it with ({@link EventResolved#identifiers()}, those
 * this service can store). Decoding validates: a record that can never be stored fails here and is
 * dead-lettered without costing its chunk a transaction.
 */
record IncomingEvent(EventResolved message, StoredEvent event, String payloadJson,
                     List<TraitObservation> observations, List<Identifier> identifiers) {

    /** Longest messageId, profileId or workspaceId accepted (they are B-tree keys). */
    static final int MAX_ID_LENGTH = 255;

    static IncomingEvent decode(ConsumerRecord<String, String> record) {
        EventResolved message = IncomingMessages.decode(record, EventResolved.class);
        StoredEvent event = toStoredEvent(message);
        return new IncomingEvent(message, event, MessageCodec.mapper().writeValueAsString(event.payload()),
                TraitExtractor.observationsOf(message.event(), event.occurredAt(), event.sourceId()),
                Identifiers.storable(message.identifiers()));
    }

    UUID id() {
        return message.id();
    }

    /** The profile identity resolved the event to. */
    ProfileRef profile() {
        return new ProfileRef(event.workspaceId(), event.profileId());
    }

    /** What computed traits count the event under: a track event's name; null for other calls. */
    EventName trackName() {
        SegmentEvent segmentEvent = message.event();
        return segmentEvent.type() == SegmentEvent.EventType.track && segmentEvent.event() != null
                ? new EventName(event.workspaceId(), segmentEvent.event()) : null;
    }

    private static StoredEvent toStoredEvent(EventResolved message) {
        SegmentEvent event = message.event();
        require(event != null, "EventResolved " + message.id() + " has no event");
        require(event.type() != null, "Event without type");
        requireId(message.workspaceId(), "workspaceId");
        requireId(message.profileId(), "profileId");
        requireId(event.messageId(), "messageId");
        Instant occurredAt = message.occurredAt() != null ? message.occurredAt() : event.timestamp();
        require(occurredAt != null, "Event " + event.messageId() + " has no event time");
        Instant receivedAt = message.receivedAt() != null ? message.receivedAt() : event.receivedAt();
        return new StoredEvent(message.workspaceId(), event.messageId(), message.profileId(), event.type().name(),
                nameOf(event),
                // the database keeps microseconds: resolve traits on the same precision it stores
                occurredAt.truncatedTo(ChronoUnit.MICROS),
                (receivedAt != null ? receivedAt : occurredAt).truncatedTo(ChronoUnit.MICROS),
                message.sourceId(), (ObjectNode) MessageCodec.mapper().valueToTree(event));
    }

    private static String nameOf(SegmentEvent event) {
        return switch (event.type()) {
            case track -> event.event();
            case page, screen -> event.name();
            case identify, group, alias -> null;
        };
    }

    private static void requireId(String value, String what) {
        require(value != null && !value.isBlank(), "Event without " + what);
        require(value.length() <= MAX_ID_LENGTH, what + " longer than " + MAX_ID_LENGTH + " characters");
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new PermanentMessageException(reason);
        }
    }
}
