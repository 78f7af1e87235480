package org.opencdp.consent.privacy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.consent.audit.AuditAction;
import org.opencdp.consent.audit.AuditEntry;
import org.opencdp.consent.audit.AuditLog;
import org.opencdp.consent.decisions.DecisionRecords;
import org.opencdp.consent.ledger.ConsentLedger;
import org.opencdp.consent.ledger.LedgerEntry;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries out privacy commands on consent-service's own data (issue 12), inside the kit consumer's
 * transaction, and acknowledges each ({@code service = "consent"}) through the outbox in the same
 * transaction. The person is every profile id the command names, every id merged into them or
 * that they were merged into since, and the profiles the command's identifiers lead to now.
 * <ul>
 *   <li>{@code ERASE}: their ledger and current state (an empty state is published for each), the
 *       decisions made about them, the identifiers, redirects and sightings this service keeps, and
 *       the audit entries about their consent (the privacy request's own entries stay).</li>
 *   <li>{@code EXPORT}: their current state per profile, the whole ledger, the identifiers known
 *       and every decision made about them, as the acknowledgement's {@code export}.</li>
 * </ul>
 * {@code suppress} concerns ingestion; nothing to do here.
 */
@Service
class ConsentPrivacyCommands {

    static final String CONSUMER = "consent-privacy-commands";
    static final String SERVICE = "consent";

    private final SubjectService subjects;
    private final ConsentLedger ledger;
    private final DecisionRecords decisions;
    private final AuditLog audit;
    private final Outbox outbox;
    private final JsonMapper json;

    ConsentPrivacyCommands(SubjectService subjects, ConsentLedger ledger, DecisionRecords decisions, AuditLog audit,
                           Outbox outbox, JsonMapper json) {
        this.subjects = subjects;
        this.ledger = ledger;
        this.decisions = decisions;
        this.audit = audit;
        this.outbox = outbox;
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

    void apply(List<PrivacyCommandIssued> commands) {
        List<PrivacyCommandAcknowledged> acks = new ArrayList<>();
        List<AuditEntry> entries = new ArrayList<>();
        for (PrivacyCommandIssued command : commands) {
            Set<String> ids = person(command);
            ledger.lock(command.workspaceId(), ids);
            ObjectNode details = json.createObjectNode().put("requestId", command.requestId().toString());
            PrivacyCommandAcknowledged ack = switch (command.command()) {
                case ERASE -> erase(command, ids, details);
                case EXPORT -> export(command, ids, details);
            };
            acks.add(ack);
            entries.add(new AuditEntry(UUID.randomUUID(), command.workspaceId(),
                    command.command() == PrivacyCommandIssued.Command.ERASE ? AuditAction.consent_erased
                            : AuditAction.consent_exported,
                    holder(command, ids), null, SERVICE, details));
        }
        audit.append(entries);
        outbox.appendAll(acks);
    }

    /** The profile the audit entry is filed under: the survivor the request named first, as its other entries are. */
    private static String holder(PrivacyCommandIssued command, Set<String> ids) {
        if (command.profileIds() != null && !command.profileIds().isEmpty()) {
            return command.profileIds().getFirst();
        }
        return ids.isEmpty() ? null : ids.iterator().next();
    }

    /** Every profile id of the person, now: those named, followed through merges, and those their identifiers lead to. */
    private Set<String> person(PrivacyCommandIssued command) {
        String workspaceId = command.workspaceId();
        Set<String> named = new TreeSet<>(command.profileIds() == null ? List.of() : command.profileIds());
        for (Identifier identifier : command.identifiers() == null ? List.<Identifier>of() : command.identifiers()) {
            if (identifier != null && identifier.type() != null && identifier.value() != null) {
                // in normal form already (the request normalised it); not read again under rules changed since
                subjects.profileOf(workspaceId, identifier).ifPresent(named::add);
            }
        }
        Set<String> ids = new TreeSet<>(named);
        subjects.canonical(workspaceId, named).values().stream().distinct()
                .forEach(survivor -> ids.addAll(subjects.allIds(workspaceId, survivor)));
        return ids;
    }

    private PrivacyCommandAcknowledged erase(PrivacyCommandIssued command, Set<String> ids, ObjectNode details) {
        String workspaceId = command.workspaceId();
        ConsentLedger.Erased erased = ids.isEmpty() ? new ConsentLedger.Erased(0, 0) : ledger.erase(workspaceId, ids);
        int decisionRows = ids.isEmpty() ? 0 : decisions.erase(workspaceId, ids);
        int subjectRows = ids.isEmpty() ? 0 : subjects.forget(workspaceId, ids);
        int auditRows = ids.isEmpty() ? 0 : audit.forgetConsent(workspaceId, ids);
        details.put("profiles", ids.size()).put("statements", erased.statements()).put("states", erased.states())
                .put("decisions", decisionRows).put("subjectRows", subjectRows).put("auditEntries", auditRows);
        String detail = "Erased the consent of " + ids.size() + " profile(s): " + erased.statements()
                + " ledger statement(s), " + decisionRows + " decision(s), " + auditRows + " audit entry(ies).";
        return acknowledgement(command, detail, null);
    }

    private PrivacyCommandAcknowledged export(PrivacyCommandIssued command, Set<String> ids, ObjectNode details) {
        String workspaceId = command.workspaceId();
        ObjectNode export = json.createObjectNode();
        ids.forEach(export.putArray("profileIds")::add);
        ArrayNode identifiers = export.putArray("identifiers");
        if (!ids.isEmpty()) {
            subjects.identifiersOf(workspaceId, ids).forEach(identifier -> identifiers.addObject()
                    .put("type", identifier.type()).put("value", identifier.value()));
        }
        ObjectNode state = export.putObject("consent");
        ledger.statesOf(workspaceId, ids).forEach((profileId, purposes) -> {
            ObjectNode profile = state.putObject(profileId);
            purposes.forEach((purpose, current) -> profile.set(purpose, purposeState(current)));
        });
        ArrayNode history = export.putArray("history");
        List<LedgerEntry> entries = ids.isEmpty() ? List.of() : ledger.history(workspaceId, ids, Integer.MAX_VALUE);
        entries.forEach(entry -> history.addObject()
                .put("id", entry.id().toString()).put("profileId", entry.profileId()).put("purpose", entry.purpose())
                .put("granted", entry.granted()).put("source", entry.source())
                .put("legalBasis", entry.legalBasis().name()).put("jurisdiction", entry.jurisdiction())
                .put("occurredAt", entry.occurredAt().toString()).put("recordedAt", entry.recordedAt().toString())
                .put("eventMessageId", entry.eventMessageId() == null ? null : entry.eventMessageId().toString()));
        export.set("decisions", ids.isEmpty() ? json.createArrayNode() : decisions.export(workspaceId, ids));
        details.put("profiles", ids.size()).put("statements", entries.size());
        return acknowledgement(command, "Exported the consent of " + ids.size() + " profile(s): " + entries.size()
                + " ledger statement(s).", command.suppress() ? null : export);
    }

    private ObjectNode purposeState(PurposeState state) {
        return json.createObjectNode().put("granted", state.granted()).put("occurredAt", state.occurredAt().toString())
                .put("source", state.source()).put("legalBasis", state.legalBasis().name())
                .put("jurisdiction", state.jurisdiction());
    }

    private static PrivacyCommandAcknowledged acknowledgement(PrivacyCommandIssued command, String detail,
                                                              ObjectNode export) {
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), command.workspaceId(), Instant.now(),
                command.requestId(), SERVICE, PrivacyCommandAcknowledged.Outcome.DONE, detail, export);
    }
}
