package org.opencdp.profile.events;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.profile.computed.ComputedTraitService;
import org.opencdp.profile.identifiers.IdentifierService;
import org.opencdp.profile.profiles.ProfileService;
import org.opencdp.profile.traits.TraitExtractor;
import org.opencdp.profile.traits.TraitService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies one resolved event to its profile, in one transaction: the inbox row, the event (stored
 * once per messageId), the profile (or the survivor it was merged into), its traits by event time,
 * its identifiers, its computed traits, and a {@link ProfileChanged} in the outbox when a trait or
 * computed trait value changed. A re-delivered message or a repeated messageId changes nothing.
 */
@Service
class ResolvedEventService {

    /** The inbox consumer name of this flow. */
    static final String CONSUMER = "profile-events";
    /** Longest messageId, profileId or workspaceId accepted (they are B-tree keys). */
    static final int MAX_ID_LENGTH = 255;

    private static final Logger log = LoggerFactory.getLogger(ResolvedEventService.class);

    private final Inbox inbox;
    private final Outbox outbox;
    private final EventRepository events;
    private final ProfileService profiles;
    private final TraitService traits;
    private final IdentifierService identifiers;
    private final ComputedTraitService computedTraits;
    private final Clock clock;

    ResolvedEventService(Inbox inbox, Outbox outbox, EventRepository events, ProfileService profiles,
                         TraitService traits, IdentifierService identifiers, ComputedTraitService computedTraits,
                         Clock clock) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.events = events;
        this.profiles = profiles;
        this.traits = traits;
        this.identifiers = identifiers;
        this.computedTraits = computedTraits;
        this.clock = clock;
    }

    @Transactional
    public void handle(EventResolved message) {
        if (!inbox.firstDelivery(CONSUMER, message.id())) {
            log.debug("Resolved event {} already processed", message.id());
            return;
        }
        StoredEvent resolved = toStoredEvent(message);
        try {
            if (!events.claim(resolved.workspaceId(), resolved.messageId(), resolved.occurredAt())) {
                log.debug("Event {} of workspace {} already stored", resolved.messageId(), resolved.workspaceId());
                return;
            }
            Instant now = clock.instant();
            String workspaceId = resolved.workspaceId();
            // a profile merged away meanwhile answers with its survivor: the event is the survivor's
            String profileId = profiles.recordEvent(workspaceId, resolved.profileId(), now);
            StoredEvent event = resolved.withProfileId(profileId);
            events.insert(event);
            Map<String, JsonNode> changed = traits.apply(workspaceId, profileId,
                    TraitExtractor.observationsOf(message.event(), event.occurredAt(), event.sourceId()));
            identifiers.recordEvent(workspaceId, profileId, message.event(), event.occurredAt());
            Map<String, JsonNode> computed = computedTraits.onEvent(workspaceId, profileId, message.event(),
                    event.occurredAt(), now);
            if (!changed.isEmpty() || !computed.isEmpty()) {
                outbox.append(new ProfileChanged(changeId(message), workspaceId, now, profileId, changed, computed));
            }
        } catch (DataIntegrityViolationException e) {
            // PostgreSQL refuses the content itself (e.g. a \u0000 in a string): retrying cannot help.
            throw new PermanentMessageException("Event " + resolved.messageId() + " cannot be stored: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
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

    /** One change per resolved event, with an id derived from it (stable if the work is ever redone). */
    private static UUID changeId(EventResolved message) {
        return UUID.nameUUIDFromBytes(("profile-changed:" + message.id()).getBytes(StandardCharsets.UTF_8));
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
