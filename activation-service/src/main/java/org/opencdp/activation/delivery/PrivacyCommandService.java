package org.opencdp.activation.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Privacy commands for activation (issue 12), each sealed to its workspace and idempotent per
 * request. The command's profiles are those it lists and every profile merged into one of them.
 *
 * <ul>
 *   <li><b>ERASE</b>, in the consumer's transaction: the profiles' desired memberships become "not a
 *       member" for good, their queued events are dropped and the payloads of their deliveries
 *       emptied, and a removal is queued for every audience destination that may hold them. Removals
 *       need the person's e-mails and phones, so those are deleted, with their redirects and
 *       confirmations, once every removal settled ({@link #completeSettled}, after each dispatch
 *       round; at once when there is nothing to remove); then {@code DONE} is acknowledged on
 *       {@code cdp.privacy.acks.v1} ({@code service = "activation"}) through the outbox, with how
 *       many removals were delivered. A repeated command acknowledges again once complete.</li>
 *   <li><b>EXPORT</b>: acknowledged at once with the profiles' identifiers, desired memberships and
 *       deliveries (newest first, at most {@value PrivacyRepository#EXPORT_LIMIT}).</li>
 * </ul>
 */
@Service
class PrivacyCommandService {

    static final String CONSUMER = "activation-privacy-commands";
    static final String SERVICE = "activation";

    private final PrivacyRepository privacy;
    private final DeliveryRepository deliveries;
    private final IdentifierService identifiers;
    private final DestinationService destinations;
    private final Connectors connectors;
    private final DispatcherLoop dispatcher;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final JsonMapper json;

    PrivacyCommandService(PrivacyRepository privacy, DeliveryRepository deliveries, IdentifierService identifiers,
                          DestinationService destinations, Connectors connectors, DispatcherLoop dispatcher,
                          Outbox outbox, PlatformTransactionManager transactionManager, JsonMapper json) {
        this.privacy = privacy;
        this.deliveries = deliveries;
        this.identifiers = identifiers;
        this.destinations = destinations;
        this.connectors = connectors;
        this.dispatcher = dispatcher;
        this.outbox = outbox;
        this.transactions = new TransactionTemplate(transactionManager);
        this.json = json;
    }

    /** Refuses a command that can never be carried out; it goes to the dead-letter topic. */
    static PrivacyCommandIssued validated(PrivacyCommandIssued command) {
        if (command.workspaceId() == null || command.workspaceId().isBlank() || command.requestId() == null
                || command.command() == null) {
            throw new PermanentMessageException("Privacy command " + command.id()
                    + " lacks its workspace, request id or command");
        }
        if (command.profileIds() != null && command.profileIds().stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new PermanentMessageException("Privacy command " + command.id() + " lists a blank profile id");
        }
        return command;
    }

    /** Carries out a chunk of new commands inside the kit consumer's transaction. */
    void apply(List<PrivacyCommandIssued> commands) {
        List<PrivacyCommandAcknowledged> acknowledgements = new ArrayList<>();
        for (PrivacyCommandIssued command : commands) {
            List<String> profileIds = command.profileIds() == null || command.profileIds().isEmpty() ? List.of()
                    : privacy.withMergedAway(command.workspaceId(), List.copyOf(new LinkedHashSet<>(command.profileIds())));
            switch (command.command()) {
                case EXPORT -> acknowledgements.add(acknowledge(command.workspaceId(), command.requestId(),
                        "Exported " + profileIds.size() + " profile(s).", export(command.workspaceId(), profileIds)));
                case ERASE -> erase(command, profileIds, acknowledgements);
            }
        }
        outbox.appendAll(acknowledgements);
    }

    private void erase(PrivacyCommandIssued command, List<String> profileIds,
                       List<PrivacyCommandAcknowledged> acknowledgements) {
        String workspaceId = command.workspaceId();
        switch (privacy.startErasure(workspaceId, command.requestId(), profileIds)) {
            case completed -> acknowledgements.add(acknowledge(workspaceId, command.requestId(),
                    "Erased before: nothing left to erase.", null));
            case under_way -> {
                // removals still settling: completeSettled acknowledges
            }
            case started -> {
                privacy.forgetMemberships(workspaceId, profileIds);
                privacy.erasePayloads(workspaceId, profileIds);
                int removals = queueRemovals(workspaceId, command.requestId(), profileIds);
                if (removals == 0) {
                    PrivacyRepository.Erasure erasure = new PrivacyRepository.Erasure(workspaceId, command.requestId(),
                            profileIds);
                    privacy.finish(erasure);
                    acknowledgements.add(acknowledge(workspaceId, command.requestId(), detail(profileIds, 0, 0), null));
                }
            }
        }
    }

    /** Queues a removal at every audience destination that may hold one of the profiles; returns how many. */
    private int queueRemovals(String workspaceId, UUID requestId, List<String> profileIds) {
        List<AudienceRepository.Key> keys = privacy.mayHold(workspaceId, profileIds);
        if (keys.isEmpty()) {
            return 0;
        }
        Map<DestinationRef, Destination> known = destinations.findAll(keys.stream()
                .map(key -> new DestinationRef(key.workspaceId(), key.destinationId()))
                .collect(TreeSet::new, TreeSet::add, TreeSet::addAll));
        String payload = json.writeValueAsString(json.createObjectNode().put("privacyRequestId", requestId.toString()));
        List<QueuedDelivery> queued = new ArrayList<>();
        for (AudienceRepository.Key key : keys) {
            Destination destination = known.get(new DestinationRef(key.workspaceId(), key.destinationId()));
            if (destination == null || !connectors.find(destination.type()).map(c -> c.syncsAudiences()).orElse(false)) {
                continue;
            }
            UUID id = DeliveryIds.ofErasure(workspaceId, key.destinationId(), requestId, key.profileId());
            queued.add(new QueuedDelivery(workspaceId, id, key.destinationId(), key.profileId(),
                    DeliveryKind.segment_exited, payload, id, queued.size()));
        }
        if (!queued.isEmpty()) {
            deliveries.insertAll(queued);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatcher.wakeUp();
                }
            });
        }
        return queued.size();
    }

    /**
     * Completes the erasures whose removals all settled: the identifiers go, and the request is
     * acknowledged. One transaction; returns how many completed.
     */
    int completeSettled() {
        Integer completed = transactions.execute(status -> {
            List<PrivacyRepository.Erasure> settled = privacy.settledErasures(ErasureLoop.PER_ROUND);
            List<PrivacyCommandAcknowledged> acknowledgements = new ArrayList<>();
            for (PrivacyRepository.Erasure erasure : settled) {
                int[] outcomes = privacy.removalOutcomes(erasure);
                privacy.finish(erasure);
                acknowledgements.add(acknowledge(erasure.workspaceId(), erasure.requestId(),
                        detail(erasure.profileIds(), outcomes[0], outcomes[1]), null));
            }
            outbox.appendAll(acknowledgements);
            return settled.size();
        });
        return completed == null ? 0 : completed;
    }

    private static String detail(List<String> profileIds, int removed, int failed) {
        String done = "Erased the identifiers, memberships and delivery payloads of " + profileIds.size()
                + " profile(s); removed them from " + removed + " audience destination(s).";
        return failed == 0 ? done : done + " " + failed + " removal(s) failed and are in the dead letters.";
    }

    private ObjectNode export(String workspaceId, List<String> profileIds) {
        ObjectNode export = json.createObjectNode();
        ArrayNode found = export.putArray("identifiers");
        Map<IdentifierService.ProfileKey, ProfileIdentifiers> known = profileIds.isEmpty() ? Map.of()
                : identifiers.of(profileIds.stream().map(id -> new IdentifierService.ProfileKey(workspaceId, id)).toList());
        known.forEach((key, ids) -> {
            ids.emails().forEach(email -> found.addObject().put("profileId", key.profileId()).put("type", "email")
                    .put("value", email));
            ids.phones().forEach(phone -> found.addObject().put("profileId", key.profileId()).put("type", "phone")
                    .put("value", phone));
        });
        export.set("memberships", privacy.exportMemberships(workspaceId, profileIds));
        export.set("deliveries", privacy.exportDeliveries(workspaceId, profileIds));
        return export;
    }

    private static PrivacyCommandAcknowledged acknowledge(String workspaceId, UUID requestId, String detail,
                                                          ObjectNode export) {
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), workspaceId, Instant.now(), requestId, SERVICE,
                Outcome.DONE, detail, export);
    }
}
