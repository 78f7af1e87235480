package org.opencdp.profile.merge;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.profile.computed.ComputedTraitService;
import org.opencdp.profile.events.EventService;
import org.opencdp.profile.identifiers.IdentifierService;
import org.opencdp.profile.profiles.ChangeVersions;
import org.opencdp.profile.profiles.ChangeVersions.Change;
import org.opencdp.profile.profiles.LockedProfile;
import org.opencdp.profile.profiles.ProfileRef;
import org.opencdp.profile.profiles.ProfileService;
import org.opencdp.profile.traits.TraitObservation;
import org.opencdp.profile.traits.TraitService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Applies a chunk of {@link ProfilesMerged} (the kit's {@code ChunkHandler}, inside the chunk's
 * transaction, with the merges not applied before, in consumed order). First, for the whole chunk:
 * the workspaces' backfills are held off ({@code HandOverLocks}) and every profile the merges name
 * is locked in one statement, in code point order of (workspace, id), the order every
 * multi-profile lock uses, so merges, backfills and events never wait on each other in a cycle.
 * Then each merge in turn (merges are rare: a group of statements per merge, not one statement for
 * the chunk): the survivor and merged profiles locked, the merged profiles' traits folded into the
 * survivor by event time, their events and identifiers moved to it, their computed traits folded,
 * and they are marked merged into it (so their ids answer with the survivor, and an event resolved
 * to them later lands on it). Last, the survivors' changes, plus the removal of every trait of each
 * merged profile (it has none left of its own: its last change), are numbered in one statement
 * ({@link ChangeVersions}, under the locks taken above: the survivor's numbering goes on from its own
 * last version, issue 15), each split into parts that fit a Kafka record when it would not ({@link
 * ProfileChangeParts}; the parts share the change's version), and published in one statement. A
 * merge delivered
 * again, or naming profiles already merged into the survivor, changes nothing; nor does a merge
 * into a profile erased at a privacy request, and an erased profile is never merged (issue 12).
 */
@Service
class MergeService {

    /** The inbox consumer name of this flow. */
    static final String CONSUMER = "profile-merges";
    static final int MAX_ID_LENGTH = 255;
    static final int MAX_MERGED = 1_000;

    private static final Logger log = LoggerFactory.getLogger(MergeService.class);

    private final Outbox outbox;
    private final ProfileService profiles;
    private final TraitService traits;
    private final EventService events;
    private final IdentifierService identifiers;
    private final ComputedTraitService computedTraits;
    private final ChangeVersions versions;
    private final Clock clock;

    MergeService(Outbox outbox, ProfileService profiles, TraitService traits, EventService events,
                 IdentifierService identifiers, ComputedTraitService computedTraits, ChangeVersions versions,
                 Clock clock) {
        this.outbox = outbox;
        this.profiles = profiles;
        this.traits = traits;
        this.events = events;
        this.identifiers = identifiers;
        this.computedTraits = computedTraits;
        this.versions = versions;
        this.clock = clock;
    }

    /** Applies the chunk's new merges; see the class comment. */
    void apply(List<ProfilesMerged> merges) {
        Instant now = clock.instant();
        computedTraits.holdBackfills(merges.stream().map(ProfilesMerged::workspaceId).distinct().toList());
        List<ProfileRef> named = new ArrayList<>();
        for (ProfilesMerged merge : merges) {
            named.add(new ProfileRef(merge.workspaceId(), merge.survivorId()));
            merge.mergedIds().forEach(id -> named.add(new ProfileRef(merge.workspaceId(), id)));
        }
        profiles.lockAll(named, now);
        List<Change> changes = new ArrayList<>();
        for (ProfilesMerged merge : merges) {
            changes.addAll(applyOne(merge, now));
        }
        List<ProfileChanged> parts = new ArrayList<>();
        versions.number(changes).forEach(change -> parts.addAll(ProfileChangeParts.split(change)));
        outbox.appendAll(parts);
    }

    /** One merge, its profiles locked; returns the changes it publishes. */
    private List<Change> applyOne(ProfilesMerged message, Instant now) {
        String workspaceId = message.workspaceId();
        String survivorId = profiles.canonicalId(workspaceId, message.survivorId());
        Set<String> candidates = new LinkedHashSet<>(message.mergedIds());
        candidates.remove(survivorId);
        List<String> toLock = new ArrayList<>(candidates);
        toLock.add(survivorId);
        Map<String, LockedProfile> locked = profiles.lockAll(workspaceId, toLock, now);
        if (locked.get(survivorId).erased()) {
            // identity merged before it erased the person; the erasure is the later word
            log.warn("Merge {}: survivor {} was erased at a privacy request; merge ignored", message.id(), survivorId);
            return List.of();
        }
        if (locked.get(survivorId).mergedInto() != null) {
            // merged away between our read and our lock: the kit runs the chunk again, which follows the redirect
            throw new ConcurrencyFailureException("Survivor " + survivorId + " was merged meanwhile; retrying merge "
                    + message.id());
        }
        List<String> mergedIds = candidates.stream().filter(id -> locked.get(id).isLive()).sorted().toList();
        candidates.stream().filter(id -> locked.get(id).erased())
                .forEach(id -> log.warn("Merge {}: profile {} was erased at a privacy request; not merged into {}",
                        message.id(), id, survivorId));
        candidates.stream().filter(id -> locked.get(id).mergedInto() != null
                        && !survivorId.equals(locked.get(id).mergedInto()))
                .forEach(id -> log.warn("Merge {}: profile {} was already merged into {}, not into {}", message.id(),
                        id, locked.get(id).mergedInto(), survivorId));
        if (mergedIds.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> traitKeysOfMerged = new HashMap<>();
        for (String mergedId : mergedIds) {
            traitKeysOfMerged.put(mergedId, traits.traitsOf(workspaceId, mergedId).stream()
                    .map(TraitObservation::key).toList());
        }
        Map<String, JsonNode> changedTraits = traits.absorb(workspaceId, survivorId, mergedIds);
        for (String mergedId : mergedIds) {
            int moved = events.moveEvents(workspaceId, mergedId, survivorId);
            identifiers.moveIdentifiers(workspaceId, mergedId, survivorId);
            profiles.markMerged(workspaceId, mergedId, survivorId, now);
            log.info("Merged profile {} into {} in workspace {} ({} events moved)", mergedId, survivorId, workspaceId,
                    moved);
        }
        ComputedTraitService.Absorbed computed = computedTraits.absorb(workspaceId, survivorId, mergedIds, now);
        List<Change> changes = new ArrayList<>();
        if (!changedTraits.isEmpty() || !computed.changed().isEmpty()) {
            changes.add(new Change(changeId(message, survivorId), new ProfileRef(workspaceId, survivorId),
                    changedTraits, computed.changed()));
        }
        for (String mergedId : mergedIds) {
            Map<String, JsonNode> removedTraits = removals(traitKeysOfMerged.get(mergedId));
            Map<String, JsonNode> removedComputed = removals(computed.removedByMergedId().getOrDefault(mergedId,
                    List.of()));
            if (!removedTraits.isEmpty() || !removedComputed.isEmpty()) {
                changes.add(new Change(changeId(message, mergedId), new ProfileRef(workspaceId, mergedId),
                        removedTraits, removedComputed));
            }
        }
        return changes;
    }

    private static Map<String, JsonNode> removals(List<String> keys) {
        Map<String, JsonNode> removed = new TreeMap<>();
        keys.forEach(key -> removed.put(key, NullNode.getInstance()));
        return Collections.unmodifiableMap(removed);
    }

    /** The merge itself, when it can be applied at all; a {@link PermanentMessageException} otherwise. */
    static ProfilesMerged validate(ProfilesMerged message) {
        requireId(message.workspaceId(), "workspaceId");
        requireId(message.survivorId(), "survivorId");
        require(message.mergedIds() != null && !message.mergedIds().isEmpty(), "Merge " + message.id()
                + " names no merged profile");
        require(message.mergedIds().size() <= MAX_MERGED, "Merge " + message.id() + " names more than " + MAX_MERGED
                + " profiles");
        message.mergedIds().forEach(id -> requireId(id, "mergedIds[]"));
        return message;
    }

    /** One change per merge and profile, with an id derived from them (stable if the work is ever redone). */
    private static UUID changeId(ProfilesMerged message, String profileId) {
        return UUID.nameUUIDFromBytes(("profile-merged:" + message.id() + ":" + profileId)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void requireId(String value, String what) {
        require(value != null && !value.isBlank(), "Merge without " + what);
        require(value.length() <= MAX_ID_LENGTH, what + " longer than " + MAX_ID_LENGTH + " characters");
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new PermanentMessageException(reason);
        }
    }
}
