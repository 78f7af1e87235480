package org.opencdp.profile.events;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.profile.computed.ChunkDefinitions;
import org.opencdp.profile.computed.ComputedTraitService;
import org.opencdp.profile.computed.TrackedEvent;
import org.opencdp.profile.events.EventRepository.MessageKey;
import org.opencdp.profile.identifiers.IdentifierService;
import org.opencdp.profile.identifiers.IdentifierService.EventIdentifiers;
import org.opencdp.profile.profiles.ChangeVersions;
import org.opencdp.profile.profiles.ChangeVersions.Change;
import org.opencdp.profile.profiles.ProfileRef;
import org.opencdp.profile.profiles.ProfileService;
import org.opencdp.profile.traits.TraitService;
import org.opencdp.profile.traits.TraitService.EventObservations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Applies a chunk of resolved events (the kit's {@code ChunkHandler}, inside the chunk's
 * transaction, with the messages not applied before, in consumed order), set-wise: a constant
 * number of statements per chunk, whatever its size.
 *
 * <ol>
 *   <li>The hand-over locks of the chunk's track event names, then the computed-trait definitions
 *       over them, read once (before any profile lock: see {@code HandOverLocks}).</li>
 *   <li>The messageIds claimed: the first event of the chunk with a messageId in its workspace, if
 *       no earlier event claimed it (exact de-duplication per workspace).</li>
 *   <li>The profiles created or moved forward and locked, in one order, each event resolved through
 *       merge redirects to the live profile that answers for its profile. An event of a profile
 *       erased at a privacy request is dropped here (and its messageId released).</li>
 *   <li>The events stored, in one multi-row insert.</li>
 *   <li>Traits by event time with provenance: read once, folded in memory event after event,
 *       written once; identifiers in one insert; computed traits read, folded and written once.</li>
 *   <li>One {@link ProfileChanged} per event that changed a value, with an id derived from the
 *       message, numbered by {@link ChangeVersions} (one statement: each profile's changes get its
 *       next versions, in the events' order, under the locks taken above; issue 15) and appended in
 *       one statement.</li>
 * </ol>
 *
 * <p>Events of the same profile are folded in their order, so the result (stored state and published
 * changes) is that of applying them one at a time. Content PostgreSQL refuses (a {@code \u0000} in
 * a string, say) fails the chunk; the kit then applies it one event per transaction, and the event
 * at fault fails alone, as a {@link PermanentMessageException} naming it, and is dead-lettered.
 */
@Service
class ResolvedEventService {

    /** The inbox consumer name of this flow. */
    static final String CONSUMER = "profile-events";

    private static final Logger log = LoggerFactory.getLogger(ResolvedEventService.class);

    private final Outbox outbox;
    private final EventRepository events;
    private final ProfileService profiles;
    private final TraitService traits;
    private final IdentifierService identifiers;
    private final ComputedTraitService computedTraits;
    private final ChangeVersions versions;
    private final Clock clock;

    ResolvedEventService(Outbox outbox, EventRepository events, ProfileService profiles, TraitService traits,
                         IdentifierService identifiers, ComputedTraitService computedTraits, ChangeVersions versions,
                         Clock clock) {
        this.outbox = outbox;
        this.events = events;
        this.profiles = profiles;
        this.traits = traits;
        this.identifiers = identifiers;
        this.computedTraits = computedTraits;
        this.versions = versions;
        this.clock = clock;
    }

    /** Applies the chunk's new events; see the class comment. */
    void apply(List<IncomingEvent> fresh) {
        try {
            applyChunk(fresh);
        } catch (DataIntegrityViolationException e) {
            // PostgreSQL refuses the content itself: retrying cannot help
            throw new PermanentMessageException(describe(fresh) + " cannot be stored: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
    }

    private void applyChunk(List<IncomingEvent> fresh) {
        Instant now = clock.instant();
        ChunkDefinitions definitions = computedTraits.definitionsFor(
                fresh.stream().map(IncomingEvent::trackName).filter(Objects::nonNull).toList());
        List<IncomingEvent> firstClaims = claimFirstOfEachMessageId(fresh);
        if (firstClaims.isEmpty()) {
            return;
        }
        Map<ProfileRef, String> live = profiles.recordEvents(firstClaims.stream().map(IncomingEvent::profile).toList(),
                now);
        List<IncomingEvent> claimed = withoutErased(firstClaims, live);
        if (claimed.isEmpty()) {
            return;
        }
        List<StoredEvent> stored = new ArrayList<>(claimed.size());
        List<ProfileRef> owners = new ArrayList<>(claimed.size());
        for (IncomingEvent event : claimed) {
            String profileId = live.get(event.profile()); // a merged-away profile's event is its survivor's
            stored.add(event.event().withProfileId(profileId));
            owners.add(new ProfileRef(event.event().workspaceId(), profileId));
        }
        events.insertAll(stored, claimed.stream().map(IncomingEvent::payloadJson).toList());

        List<EventObservations> observations = new ArrayList<>(claimed.size());
        List<EventIdentifiers> seen = new ArrayList<>(claimed.size());
        List<TrackedEvent> tracked = new ArrayList<>(claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            IncomingEvent event = claimed.get(i);
            ProfileRef owner = owners.get(i);
            observations.add(new EventObservations(owner, event.observations()));
            seen.add(new EventIdentifiers(owner, event.identifiers(), event.event().occurredAt()));
            tracked.add(tracked(event, owner));
        }
        List<Map<String, JsonNode>> changedTraits = traits.applyInOrder(observations);
        identifiers.recordAll(seen);
        List<Map<String, JsonNode>> changedComputed = computedTraits.onEvents(definitions, tracked, now);

        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < claimed.size(); i++) {
            if (!changedTraits.get(i).isEmpty() || !changedComputed.get(i).isEmpty()) {
                changes.add(new Change(changeId(claimed.get(i).message()), owners.get(i), changedTraits.get(i),
                        changedComputed.get(i)));
            }
        }
        outbox.appendAll(versions.number(changes));
    }

    /**
     * The events that claim their messageId now: of several events of the chunk with one messageId
     * in one workspace, the first in consumed order, and only when no earlier chunk claimed it.
     */
    private List<IncomingEvent> claimFirstOfEachMessageId(List<IncomingEvent> fresh) {
        Map<MessageKey, IncomingEvent> first = new LinkedHashMap<>();
        fresh.forEach(event -> first.putIfAbsent(MessageKey.of(event.event()), event));
        Set<MessageKey> claimed = events.claimAll(first.values().stream().map(IncomingEvent::event).toList());
        return first.entrySet().stream().filter(entry -> claimed.contains(entry.getKey())).map(Map.Entry::getValue)
                .toList();
    }

    /**
     * The events whose profile is still there: one resolved to a profile erased at a privacy request
     * (in flight when the command ran, or replayed later) is dropped, and its messageId released, so
     * nothing of it stays. Rare: the statement runs only when there is one.
     */
    private List<IncomingEvent> withoutErased(List<IncomingEvent> claimed, Map<ProfileRef, String> live) {
        List<IncomingEvent> kept = new ArrayList<>(claimed.size());
        List<StoredEvent> dropped = new ArrayList<>();
        for (IncomingEvent event : claimed) {
            if (live.containsKey(event.profile())) {
                kept.add(event);
            } else {
                dropped.add(event.event());
            }
        }
        if (!dropped.isEmpty()) {
            events.releaseAll(dropped);
            log.info("Dropped {} event(s) of erased profiles, e.g. {} of {}", dropped.size(),
                    dropped.getFirst().messageId(), dropped.getFirst().profileId());
        }
        return kept;
    }

    private static TrackedEvent tracked(IncomingEvent event, ProfileRef owner) {
        SegmentEvent segmentEvent = event.message().event();
        return event.trackName() == null ? null : new TrackedEvent(owner, event.event().messageId(),
                segmentEvent.event(), segmentEvent.properties(), event.event().occurredAt());
    }

    /** One change per resolved event, with an id derived from it (stable if the work is ever redone). */
    private static UUID changeId(EventResolved message) {
        return UUID.nameUUIDFromBytes(("profile-changed:" + message.id()).getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(List<IncomingEvent> chunk) {
        return chunk.size() == 1 ? "Event " + chunk.getFirst().event().messageId()
                : "One of the " + chunk.size() + " events " + chunk.getFirst().event().messageId() + "…"
                        + chunk.getLast().event().messageId();
    }
}
