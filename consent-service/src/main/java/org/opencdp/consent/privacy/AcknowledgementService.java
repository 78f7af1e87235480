package org.opencdp.consent.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.consent.audit.AuditAction;
import org.opencdp.consent.audit.AuditEntry;
import org.opencdp.consent.audit.AuditLog;
import org.opencdp.consent.privacy.PrivacyRequestRepository.StoredRequest;
import org.opencdp.consent.privacy.PrivacyRequestRepository.StoredService;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies the services' acknowledgements of privacy commands inside the kit consumer's transaction
 * (issue 12): each marks its service's part {@code completed} or {@code failed} (with the export,
 * for an {@code ACCESS} request), and the request's status follows ({@link PrivacyStatus#ofRequest}).
 * An acknowledgement of a request this workspace never made, or from a service with no part in
 * it, is logged and ignored; one delivered again, or older than the one applied for its service
 * (by its {@code occurredAt}), changes nothing. Acknowledgements are rare (six
 * per request), so each costs its own few statements.
 */
@Service
class AcknowledgementService {

    static final String CONSUMER = "consent-privacy-acks";
    private static final Logger log = LoggerFactory.getLogger(AcknowledgementService.class);

    private final PrivacyRequestRepository requests;
    private final AuditLog audit;
    private final JsonMapper json;
    private final PrivacyRequestMetrics metrics;

    AcknowledgementService(PrivacyRequestRepository requests, AuditLog audit, JsonMapper json,
                           PrivacyRequestMetrics metrics) {
        this.requests = requests;
        this.audit = audit;
        this.json = json;
        this.metrics = metrics;
    }

    /** Refuses an acknowledgement that can never be applied; it goes to the dead-letter topic. */
    static PrivacyCommandAcknowledged validated(PrivacyCommandAcknowledged ack) {
        if (ack.workspaceId() == null || ack.workspaceId().isBlank() || ack.requestId() == null
                || ack.service() == null || ack.service().isBlank() || ack.outcome() == null) {
            throw new PermanentMessageException("Privacy acknowledgement " + ack.id()
                    + " lacks its workspace, request id, service or outcome");
        }
        return ack;
    }

    void apply(List<PrivacyCommandAcknowledged> acks) {
        List<AuditEntry> entries = new ArrayList<>();
        for (PrivacyCommandAcknowledged ack : acks) {
            applyOne(ack).ifPresent(entries::addAll);
        }
        audit.append(entries);
    }

    private Optional<List<AuditEntry>> applyOne(PrivacyCommandAcknowledged ack) {
        Optional<StoredRequest> found = requests.find(ack.workspaceId(), ack.requestId(), true);
        if (found.isEmpty()) {
            log.warn("Acknowledgement {} from {} names privacy request {}, unknown in workspace {}: ignored", ack.id(),
                    ack.service(), ack.requestId(), ack.workspaceId());
            return Optional.empty();
        }
        StoredRequest request = found.get();
        PrivacyStatus status = ack.outcome() == PrivacyCommandAcknowledged.Outcome.DONE ? PrivacyStatus.completed
                : PrivacyStatus.failed;
        StoredService part = requests.findServices(ack.workspaceId(), ack.requestId()).get(ack.service());
        if (part == null) {
            log.warn("Acknowledgement {} of privacy request {} comes from {}, which has no part in it: ignored",
                    ack.id(), ack.requestId(), ack.service());
            return Optional.empty();
        }
        if (part.acknowledgedAt() != null && ack.occurredAt().isBefore(part.acknowledgedAt())) {
            // a copy of an earlier answer (re-published by its relay) must not undo a later one
            log.info("Acknowledgement {} of privacy request {} by {} is older than the one applied: ignored", ack.id(),
                    ack.requestId(), ack.service());
            return Optional.empty();
        }
        requests.acknowledge(ack.workspaceId(), ack.requestId(), ack.service(), status, ack.detail(),
                request.type().exports() ? ack.export() : null, ack.occurredAt());
        Map<String, StoredService> parts = requests.findServices(ack.workspaceId(), ack.requestId());
        PrivacyStatus next = PrivacyStatus.ofRequest(parts.values().stream().map(StoredService::status).toList());
        List<AuditEntry> entries = new ArrayList<>();
        entries.add(new AuditEntry(UUID.randomUUID(), ack.workspaceId(), AuditAction.privacy_acknowledged,
                request.profileIds().isEmpty() ? null : request.profileIds().getFirst(), subject(request),
                ack.service(), json.createObjectNode().put("requestId", request.id().toString())
                        .put("type", request.type().name()).put("outcome", status.name()).put("detail", ack.detail())));
        if (next != request.status()) {
            requests.updateStatus(ack.workspaceId(), ack.requestId(), next);
            if (next.finished()) {
                entries.add(new AuditEntry(UUID.randomUUID(), ack.workspaceId(), AuditAction.privacy_finished,
                        request.profileIds().isEmpty() ? null : request.profileIds().getFirst(), subject(request),
                        "consent", json.createObjectNode().put("requestId", request.id().toString())
                                .put("type", request.type().name()).put("status", next.name())));
                metrics.finished(request.type(), next);
                log.info("Privacy request {} ({}) in workspace {}: {}", request.id(), request.type(),
                        ack.workspaceId(), next);
            }
        }
        return Optional.of(entries);
    }

    private static String subject(StoredRequest request) {
        return request.identifier() == null ? null : AuditLog.subjectKey(request.identifier());
    }
}
