package org.opencdp.identity.resolution;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.merge.MergeRecord;
import org.opencdp.identity.merge.MergeRepository;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;

/**
 * Resolves accepted events to profiles, a chunk per transaction (the kit's {@code BatchConsumer}
 * opens it, drops events seen before and retries the chunk when this throws a {@link
 * StaleGraphException}): locks and reads the part of the graph the events touch ({@link
 * GraphStore}), resolves them in order against it ({@link WorkspaceGraph}), writes the changes,
 * stores each merge's explanation, and appends a {@link ProfilesMerged} per merge and an {@link
 * EventResolved} per event, with the identifiers it resolved by, to the outbox. The result is the
 * one the events would give resolved one at a time in that order. The chunk's outcomes are counted
 * in {@link ResolutionMetrics} when its transaction commits.
 */
@Service
class IdentityResolutionService {

    private static final Comparator<Identifier> BY_TYPE_THEN_VALUE = Comparator.comparing(Identifier::type)
            .thenComparing(Identifier::value);

    /** The consumer name of resolution (its inbox and offset rows). */
    static final String CONSUMER = "identity-resolution";

    private final Outbox outbox;
    private final GraphStore graph;
    private final MergeRepository merges;
    private final ResolutionMetrics metrics;

    IdentityResolutionService(Outbox outbox, GraphStore graph, MergeRepository merges, ResolutionMetrics metrics) {
        this.outbox = outbox;
        this.graph = graph;
        this.merges = merges;
        this.metrics = metrics;
    }

    /** Resolves {@code inputs}, in their order, inside the caller's transaction. */
    void apply(List<ResolutionInput> inputs) {
        LockedGraph locked = graph.lockAndLoad(inputs);
        List<CdpMessage> messages = new ArrayList<>();
        List<MergeRecord> explanations = new ArrayList<>();
        List<Resolution> resolved = new ArrayList<>(inputs.size());
        for (ResolutionInput input : inputs) {
            Resolution resolution = locked.workspace(input.workspaceId()).resolve(input);
            resolved.add(resolution);
            if (resolution.merge() != null) {
                MergeRecord explanation = explain(input, resolution);
                explanations.add(explanation);
                messages.add(new ProfilesMerged(explanation.id(), input.workspaceId(), explanation.mergedAt(),
                        explanation.survivorId(), explanation.mergedIds(),
                        explanation.identifiers().stream().map(PersonIdentifier::toContract).toList(),
                        explanation.eventId(), explanation.rule()));
            }
            EventAccepted message = input.message();
            messages.add(new EventResolved(resolvedId(message), message.workspaceId(), resolution.profileId(),
                    message.sourceId(), message.occurredAt(), message.receivedAt(), message.event(),
                    resolvedIdentifiers(resolution)));
        }
        graph.flush(locked);
        merges.insertAll(explanations);
        outbox.appendAll(messages);
        metrics.countAfterCommit(resolved);
    }

    /**
     * The id of the resolved event, derived from the accepted event's: resolving the same accepted
     * event again (its inbox row forgotten, a replay) publishes the same id, which consumers know.
     */
    static UUID resolvedId(EventAccepted message) {
        return UUID.nameUUIDFromBytes(("identity-resolved:" + message.id()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The identifiers the event resolved with, as {@link EventResolved#identifiers()} carries them:
     * those now attached to its profile, in identity's normal form (the workspace's phone region,
     * its custom identifiers, blocked values left out), an alias's {@code previousId} as linked,
     * sorted by type then value. One dropped to respect a limit is left out: it is not the
     * profile's, and a service that recorded it would answer a lookup by it differently from identity.
     */
    static List<Identifier> resolvedIdentifiers(Resolution resolution) {
        return resolution.linked().stream()
                .map(PersonIdentifier::toContract)
                .sorted(BY_TYPE_THEN_VALUE)
                .toList();
    }

    private static MergeRecord explain(ResolutionInput input, Resolution resolution) {
        Resolution.Merge merge = resolution.merge();
        EventAccepted message = input.message();
        return new MergeRecord(UUID.randomUUID(), input.workspaceId(), merge.survivorId(), merge.mergedIds(),
                merge.identifiers(), resolution.dropped(), message.id(), message.event().messageId(),
                message.sourceId(), merge.rule(), input.rules().version(), Instant.now());
    }
}
