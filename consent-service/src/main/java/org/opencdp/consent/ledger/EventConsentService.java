package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.consent.ConsentProperties;
import org.opencdp.consent.subjects.KnownProfile;
import org.opencdp.consent.subjects.Sighting;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Applies a chunk of resolved events (issue 9): learns their profiles and the identifiers identity
 * resolved them with ({@link EventResolved#identifiers()}, issue 14), and records the consent they
 * carry in {@code context.consent.categoryPreferences} at each event's time, and a Global Privacy
 * Control signal ({@code context.gpc}, issue 12) as an opt-out of its purposes.
 *
 * <p>Most events carry no consent: they are sorted out in memory and cost the ledger nothing. A
 * chunk costs three statements for its subjects, plus six when any of its events carries consent
 * (see {@link ConsentLedger#recordEvents}), however many events it holds. The result is that of
 * applying the events one at a time in order: the ledger folds them in memory before it writes.
 */
@Service
class EventConsentService {

    /** The consumer's name: its inbox and consumed-offset rows. */
    static final String CONSUMER = "consent-events";
    private static final Logger log = LoggerFactory.getLogger(EventConsentService.class);

    private final SubjectService subjects;
    private final ConsentLedger ledger;
    private final ConsentProperties properties;

    EventConsentService(SubjectService subjects, ConsentLedger ledger, ConsentProperties properties) {
        this.subjects = subjects;
        this.ledger = ledger;
        this.properties = properties;
    }

    /** Reads a resolved event; one without a profile can never be applied. */
    static EventResolved requireProfile(EventResolved message) {
        if (message.profileId() == null || message.profileId().isBlank()) {
            throw new PermanentMessageException("EventResolved " + message.id() + " has no profileId");
        }
        return message;
    }

    /** Applies {@code fresh} (the chunk's events not applied before, in order) inside the chunk's transaction. */
    void apply(List<EventResolved> fresh) {
        // an event resolved to a profile before identity merged it away lands on the survivor (issue 12)
        Map<KnownProfile, String> survivors = subjects.mergedAway(fresh.stream()
                .map(message -> new KnownProfile(message.workspaceId(), message.profileId())).distinct().toList());
        List<StatedConsent> stated = new ArrayList<>();
        List<Sighting> sightings = new ArrayList<>(fresh.size());
        for (EventResolved message : fresh) {
            String profileId = survivors.getOrDefault(new KnownProfile(message.workspaceId(), message.profileId()),
                    message.profileId());
            List<ConsentStatement> statements = statements(message);
            if (!statements.isEmpty()) {
                stated.add(new StatedConsent(new ProfileRef(message.workspaceId(), profileId), statements));
            }
            sightings.add(new Sighting(message.workspaceId(), profileId, identifiers(message)));
        }
        try {
            // the ledger takes the profiles' locks first; learning subjects after it keeps the lock order
            // of every transaction the same (locks, then rows), so an API call on a profile cannot deadlock
            ledger.recordEvents(stated);
            subjects.learnAll(sightings);
        } catch (DataIntegrityViolationException e) {
            // PostgreSQL refused what an event carries (e.g. U+0000 in an identifier): it never will accept it
            throw new PermanentMessageException(refused(fresh) + ": " + e.getMostSpecificCause().getMessage(), e);
        }
    }

    private static String refused(List<EventResolved> fresh) {
        return fresh.size() == 1 ? "PostgreSQL refused resolved event " + fresh.getFirst().id()
                : "PostgreSQL refused one of " + fresh.size() + " resolved events";
    }

    private List<ConsentStatement> statements(EventResolved message) {
        if (message.event() == null || message.event().context() == null) {
            return List.of();
        }
        boolean gpc = GlobalPrivacyControl.isSet(message.event().context());
        if (!message.event().context().has("consent") && !gpc) {
            return List.of();
        }
        CategoryPreferences consent = CategoryPreferences.from(message.event().context(),
                properties.maxPurposesPerEvent());
        if (!consent.ignored().isEmpty()) {
            log.warn("Ignored consent entries of event {} in workspace {}: {}", message.id(), message.workspaceId(),
                    consent.ignored());
        }
        Map<String, Boolean> preferences = new LinkedHashMap<>(consent.preferences());
        if (gpc) {
            // an opt-out signal: it denies its purposes whatever the event's own preferences say
            GlobalPrivacyControl.PURPOSES.forEach(purpose -> preferences.put(purpose, false));
        }
        if (preferences.isEmpty()) {
            return List.of();
        }
        Instant occurredAt = eventTime(message);
        String source = "event:" + (message.sourceId() == null ? "unknown" : message.sourceId());
        String eventId = message.event().messageId();
        List<ConsentStatement> statements = new ArrayList<>(preferences.size());
        preferences.forEach((purpose, granted) -> statements.add(new ConsentStatement(purpose, granted,
                gpc && GlobalPrivacyControl.PURPOSES.contains(purpose) ? source + GlobalPrivacyControl.SOURCE_SUFFIX
                        : source,
                LegalBasis.consent, null, occurredAt, message.id(), eventId)));
        return statements;
    }

    /**
     * The identifiers identity resolved the event with (issue 14): normalised under the workspace's
     * rules and with its custom identifiers, so consent by identifier finds what identity finds. Not
     * derived from the event's fields again, which would read them under the default rules (a
     * national phone number lost, a blocked value kept). A message written before identity sent them
     * carries the event's fields under the default rules ({@link EventResolved}).
     */
    private static List<Identifier> identifiers(EventResolved message) {
        return message.identifiers().stream()
                .filter(identifier -> identifier != null && identifier.type() != null && identifier.value() != null)
                .distinct()
                .toList();
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
