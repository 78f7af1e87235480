package org.opencdp.consent.ledger;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The event statements the ledger already holds, by the two keys that make an event's statement
 * about a purpose unique: the resolved message it came in, and the event's Segment {@code messageId}.
 * Statements without an event (the API's) are never "already recorded".
 */
final class RecordedKeys {

    private final Set<ByMessage> byMessage = new HashSet<>();
    private final Set<ByEvent> byEvent = new HashSet<>();

    /** Notes a statement the ledger holds (either id may be {@code null}). */
    void add(String workspaceId, UUID eventMessageId, String eventId, String purpose) {
        if (eventMessageId != null) {
            byMessage.add(new ByMessage(workspaceId, eventMessageId, purpose));
        }
        if (eventId != null) {
            byEvent.add(new ByEvent(workspaceId, eventId, purpose));
        }
    }

    /**
     * Notes {@code statement} as recorded unless it was already; {@code true} when it is new (as
     * {@code INSERT … ON CONFLICT DO NOTHING} on both unique keys would answer).
     */
    boolean addIfNew(String workspaceId, ConsentStatement statement) {
        UUID message = statement.eventMessageId();
        String event = statement.eventId();
        if (message != null && byMessage.contains(new ByMessage(workspaceId, message, statement.purpose()))
                || event != null && byEvent.contains(new ByEvent(workspaceId, event, statement.purpose()))) {
            return false;
        }
        add(workspaceId, message, event, statement.purpose());
        return true;
    }

    private record ByMessage(String workspaceId, UUID eventMessageId, String purpose) {
    }

    private record ByEvent(String workspaceId, String eventId, String purpose) {
    }
}
