package org.opencdp.identity.resolution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.merge.MergeRecord;
import org.opencdp.identity.merge.MergeRepository;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Resolves accepted events to profiles, several per transaction: records them in the inbox (a
 * re-delivered event changes nothing), locks and reads the part of the graph they touch ({@link
 * GraphStore}), resolves them in order against it ({@link WorkspaceGraph}), writes the changes,
 * stores each merge's explanation, and appends a {@link ProfilesMerged} per merge and an {@link
 * EventResolved} per event to the outbox, all in one transaction. The result is the one the events
 * would give resolved one at a time in that order.
 */
@Service
class IdentityResolutionService {

    /** The inbox consumer name of resolution. */
    static final String CONSUMER = "identity-resolution";
    /** Fresh starts after a concurrent merge made what a transaction read stale, before giving up. */
    static final int MAX_ATTEMPTS = 10;

    private static final Logger log = LoggerFactory.getLogger(IdentityResolutionService.class);

    private final TransactionTemplate transactions;
    private final Inbox inbox;
    private final Outbox outbox;
    private final GraphStore graph;
    private final MergeRepository merges;

    IdentityResolutionService(TransactionTemplate transactions, Inbox inbox, Outbox outbox, GraphStore graph,
                              MergeRepository merges) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.outbox = outbox;
        this.graph = graph;
        this.merges = merges;
    }

    /** Resolves {@code inputs} in one transaction, in their order; starts over if a concurrent merge intervened. */
    void resolve(List<ResolutionInput> inputs) {
        for (int attempt = 1; ; attempt++) {
            try {
                transactions.executeWithoutResult(status -> resolveOnce(inputs));
                return;
            } catch (StaleGraphException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                log.debug("Resolving {} events again (attempt {}): {}", inputs.size(), attempt + 1, e.getMessage());
            }
        }
    }

    private void resolveOnce(List<ResolutionInput> inputs) {
        List<ResolutionInput> fresh = firstDeliveries(inputs);
        if (fresh.isEmpty()) {
            return;
        }
        LockedGraph locked = graph.lockAndLoad(fresh);
        List<CdpMessage> messages = new ArrayList<>();
        List<MergeRecord> explanations = new ArrayList<>();
        for (ResolutionInput input : fresh) {
            Resolution resolution = locked.workspace(input.workspaceId()).resolve(input);
            if (resolution.merge() != null) {
                MergeRecord explanation = explain(input, resolution);
                explanations.add(explanation);
                messages.add(new ProfilesMerged(explanation.id(), input.workspaceId(), explanation.mergedAt(),
                        explanation.survivorId(), explanation.mergedIds(),
                        explanation.identifiers().stream().map(PersonIdentifier::toContract).toList(),
                        explanation.eventId(), explanation.rule()));
            }
            EventAccepted message = input.message();
            messages.add(new EventResolved(UUID.randomUUID(), message.workspaceId(), resolution.profileId(),
                    message.sourceId(), message.occurredAt(), message.receivedAt(), message.event()));
        }
        graph.flush(locked);
        merges.insertAll(explanations);
        outbox.appendAll(messages);
    }

    /**
     * The inputs not processed before, in their order, recorded in the inbox with one statement; the
     * ids are passed in id order, so overlapping deliveries take their inbox row locks in one order.
     */
    private List<ResolutionInput> firstDeliveries(List<ResolutionInput> inputs) {
        List<UUID> ids = inputs.stream().map(input -> input.message().id()).distinct().sorted().toList();
        Set<UUID> first = new HashSet<>(inbox.firstDeliveries(CONSUMER, ids));
        List<ResolutionInput> fresh = new ArrayList<>();
        for (ResolutionInput input : inputs) {
            if (first.remove(input.message().id())) {
                fresh.add(input);
            }
        }
        return fresh;
    }

    private static MergeRecord explain(ResolutionInput input, Resolution resolution) {
        Resolution.Merge merge = resolution.merge();
        EventAccepted message = input.message();
        return new MergeRecord(UUID.randomUUID(), input.workspaceId(), merge.survivorId(), merge.mergedIds(),
                merge.identifiers(), resolution.dropped(), message.id(), message.event().messageId(),
                message.sourceId(), merge.rule(), input.rules().version(), Instant.now());
    }
}
