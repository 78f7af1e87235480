package org.opencdp.ingestion.suppression;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.WorkspaceIdentifierRules;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries out privacy commands for ingestion, once per command (the kit's batch consumer): with {@code suppress} it
 * stores the command's identifiers (hashed, in the workspace's normal form as identity reads it: {@link
 * SuppressedIdentifier}) so the Tracking API refuses the events that carry them from then on; an identifier
 * that has no normal form there (a malformed type, a blank, invalid or blocked value, a phone number
 * without its country code in a workspace without a phone region) is left out and counted in the
 * acknowledgement's detail. While the workspace's identifier rules cannot be read, the command fails
 * with the view's transient exception and the kit's consumer retries it. Ingestion keeps no other personal data
 * (accepted events go straight to Kafka), so an erase has nothing more to remove, and an export
 * lists which of the command's identifiers are suppressed. Every command is acknowledged
 * ({@code service = "ingestion"}, {@code DONE}) through the outbox, in the transaction that stored
 * the suppressions.
 */
@Service
class PrivacyCommandService {

    static final String CONSUMER = "ingestion.privacy-commands";
    static final String SERVICE = "ingestion";

    private final Outbox outbox;
    private final SuppressionRepository suppressions;
    private final SuppressionIndex index;
    private final IdentifierRulesView rules;
    private final JsonMapper json;

    PrivacyCommandService(Outbox outbox, SuppressionRepository suppressions, SuppressionIndex index,
                          IdentifierRulesView rules, JsonMapper json) {
        this.outbox = outbox;
        this.suppressions = suppressions;
        this.index = index;
        this.rules = rules;
        this.json = json;
    }

    /** Refuses a command that can never be carried out; it goes to the dead-letter topic. */
    static PrivacyCommandIssued validated(PrivacyCommandIssued command) {
        if (command.workspaceId() == null || command.workspaceId().isBlank() || command.requestId() == null
                || command.command() == null) {
            throw new PermanentMessageException("Privacy command " + command.id()
                    + " lacks its workspace, request id or command");
        }
        return command;
    }

    /**
     * Carries out a chunk of new commands inside the kit consumer's transaction. Privacy commands
     * are rare (one per person's request), so each runs its own few statements; the
     * acknowledgements go to the outbox in one.
     */
    void apply(List<PrivacyCommandIssued> commands) {
        List<PrivacyCommandAcknowledged> acknowledgements = new ArrayList<>();
        for (PrivacyCommandIssued command : commands) {
            acknowledgements.add(carryOut(command));
        }
        outbox.appendAll(acknowledgements);
    }

    private PrivacyCommandAcknowledged carryOut(PrivacyCommandIssued command) {
        List<Identifier> identifiers = command.identifiers() == null ? List.of() : command.identifiers();
        WorkspaceIdentifierRules workspaceRules = rules.rules(command.workspaceId());
        List<SuppressedIdentifier> suppressed = new ArrayList<>();
        int ignored = 0;
        for (Identifier identifier : identifiers) {
            Optional<SuppressedIdentifier> seen = identifier == null ? Optional.empty()
                    : SuppressedIdentifier.of(workspaceRules, command.workspaceId(), identifier.type(),
                            identifier.value());
            if (seen.isEmpty()) {
                ignored++;
            } else if (command.suppress()) {
                suppressions.add(seen.get(), command.requestId());
                suppressed.add(seen.get());
            }
        }
        ObjectNode export = command.command() == PrivacyCommandIssued.Command.EXPORT
                ? export(command, workspaceRules) : null;
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                suppressed.forEach(index::add);
            }
        });
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), command.workspaceId(), Instant.now(),
                command.requestId(), SERVICE, Outcome.DONE, detail(command, suppressed.size(), ignored), export);
    }

    /** Which of the command's identifiers ingestion refuses events for, and since when. */
    private ObjectNode export(PrivacyCommandIssued command, WorkspaceIdentifierRules workspaceRules) {
        ObjectNode export = json.createObjectNode();
        var list = export.putArray("suppressedIdentifiers");
        for (Identifier identifier : command.identifiers() == null ? List.<Identifier>of() : command.identifiers()) {
            if (identifier == null) {
                continue;
            }
            SuppressedIdentifier.of(workspaceRules, command.workspaceId(), identifier.type(), identifier.value())
                    .flatMap(suppressions::since)
                    .ifPresent(since -> list.addObject().put("type", identifier.type())
                            .put("value", identifier.value()).put("since", since.toString()));
        }
        return export;
    }

    private static String detail(PrivacyCommandIssued command, int suppressed, int ignored) {
        String done = command.suppress()
                ? "Refusing events of " + suppressed + " identifier(s) at the Tracking API."
                : "Nothing to " + (command.command() == PrivacyCommandIssued.Command.EXPORT ? "export" : "erase")
                        + " beyond suppressions: ingestion stores no events.";
        return ignored == 0 ? done : done + " " + ignored
                + " identifier(s) were left out: a malformed type, a blank, invalid or blocked value, or a phone number"
                + " without its country code (in a workspace without a phone region).";
    }
}
