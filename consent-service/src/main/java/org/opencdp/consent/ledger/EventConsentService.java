package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.consent.ConsentProperties;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies a resolved event: learns its identifiers, and records the consent it carries in
 * {@code context.consent.categoryPreferences} at the event's time, once per event.
 */
@Service
class EventConsentService {

    static final String CONSUMER = "consent-events";
    private static final Logger log = LoggerFactory.getLogger(EventConsentService.class);

    private final Inbox inbox;
    private final SubjectService subjects;
    private final ConsentLedger ledger;
    private final ConsentProperties properties;

    EventConsentService(Inbox inbox, SubjectService subjects, ConsentLedger ledger, ConsentProperties properties) {
        this.inbox = inbox;
        this.subjects = subjects;
        this.ledger = ledger;
        this.properties = properties;
    }

    @Transactional
    void handle(EventResolved message) {
        if (message.profileId() == null || message.profileId().isBlank()) {
            throw new PermanentMessageException("EventResolved " + message.id() + " has no profileId");
        }
        if (!inbox.firstDelivery(CONSUMER, message.id())) {
            return;
        }
        SegmentEvent event = message.event();
        List<ConsentStatement> statements = statements(message);
        if (!statements.isEmpty()) {
            // the ledger takes the profile's lock first; learning identifiers after it keeps the lock order
            // of every transaction the same (lock, then rows), so an API call on the profile cannot deadlock
            ledger.record(message.workspaceId(), message.profileId(), statements, ConsentLedger.Repeats.SKIP);
        }
        subjects.learn(message.workspaceId(), message.profileId(), identifiers(event));
    }

    private List<ConsentStatement> statements(EventResolved message) {
        if (message.event() == null) {
            return List.of();
        }
        CategoryPreferences consent = CategoryPreferences.from(message.event().context(),
                properties.maxPurposesPerEvent());
        if (!consent.ignored().isEmpty()) {
            log.warn("Ignored consent entries of event {} in workspace {}: {}", message.id(), message.workspaceId(),
                    consent.ignored());
        }
        Instant occurredAt = eventTime(message);
        String source = "event:" + (message.sourceId() == null ? "unknown" : message.sourceId());
        List<ConsentStatement> statements = new ArrayList<>();
        consent.preferences().forEach((purpose, granted) -> statements.add(new ConsentStatement(purpose, granted,
                source, LegalBasis.CONSENT, null, occurredAt, message.id())));
        return statements;
    }

    private static List<Identifier> identifiers(SegmentEvent event) {
        List<Identifier> identifiers = new ArrayList<>(2);
        if (event != null && event.userId() != null && !event.userId().isBlank()) {
            identifiers.add(new Identifier(SubjectService.USER_ID, event.userId()));
        }
        if (event != null && event.anonymousId() != null && !event.anonymousId().isBlank()) {
            identifiers.add(new Identifier(SubjectService.ANONYMOUS_ID, event.anonymousId()));
        }
        return identifiers;
    }

    /** The event's time: the message's, else the (skew-corrected) event timestamp, else when it was received. */
    private static Instant eventTime(EventResolved message) {
        if (message.occurredAt() != null) {
            return message.occurredAt();
        }
        if (message.event().timestamp() != null) {
            return message.event().timestamp();
        }
        return message.receivedAt() != null ? message.receivedAt() : Instant.now();
    }
}
