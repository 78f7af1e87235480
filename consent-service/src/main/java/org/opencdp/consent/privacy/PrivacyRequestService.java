package org.opencdp.consent.privacy;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opencdp.consent.ConsentProperties;
import org.opencdp.consent.audit.AuditAction;
import org.opencdp.consent.audit.AuditEntry;
import org.opencdp.consent.audit.AuditLog;
import org.opencdp.consent.privacy.PrivacyRequestRepository.StoredRequest;
import org.opencdp.consent.privacy.PrivacyRequestRepository.StoredService;
import org.opencdp.consent.privacy.PrivacyRequests.CreatePrivacyRequest;
import org.opencdp.consent.privacy.PrivacyRequests.PrivacyRequestResponse;
import org.opencdp.consent.privacy.PrivacyRequests.ServiceStatus;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Privacy requests (issue 12): accepts one, finds every profile id and identifier of the person
 * (merged-away ids included), stores the request with a part per service and issues one {@link
 * PrivacyCommandIssued} through the outbox, all in one transaction; so a request survives a restart
 * of this or any service midway. An identifier subject is read under the workspace's rules, as
 * identity reads it (issue 14). The same request (type and subject: the identifier in its normal
 * form, or the profile's survivor) while one is open is that one, also after the person's data is
 * gone from consent-service. The request completes when every service of {@code
 * cdp.consent.privacy-services} (by default all six) has acknowledged ({@link AcknowledgementService}).
 */
@Service
class PrivacyRequestService {

    private final PrivacyRequestRepository requests;
    private final SubjectService subjects;
    private final Outbox outbox;
    private final AuditLog audit;
    private final ConsentProperties properties;
    private final JsonMapper json;
    private final PrivacyRequestMetrics metrics;

    PrivacyRequestService(PrivacyRequestRepository requests, SubjectService subjects, Outbox outbox, AuditLog audit,
                          ConsentProperties properties, JsonMapper json, PrivacyRequestMetrics metrics) {
        this.requests = requests;
        this.subjects = subjects;
        this.outbox = outbox;
        this.audit = audit;
        this.properties = properties;
        this.json = json;
        this.metrics = metrics;
    }

    @Transactional
    PrivacyRequestResponse create(String workspaceId, String requestedBy, CreatePrivacyRequest request) {
        Identifier identifier = request.identifier() == null ? null
                : subjects.normalise(workspaceId, request.identifier().type(), request.identifier().value()).orElse(null);
        PrivacyRequestType type = validate(request, identifier);
        Optional<String> profile = identifier == null ? Optional.of(request.profileId())
                : subjects.profileOf(workspaceId, identifier);
        String survivor = profile.map(id -> subjects.canonicalId(workspaceId, id)).orElse(null);
        String dedupeKey = identifier != null ? "identifier:" + AuditLog.subjectKey(identifier) : "profile:" + survivor;
        if (identifier == null && !subjects.isKnown(workspaceId, survivor)) {
            // erased by this very request's command already? then the same request is that one
            return requests.findOpen(workspaceId, type, dedupeKey).map(open -> find(workspaceId, open.toString()))
                    .orElseThrow(() -> CdpException.notFound("profile", request.profileId()));
        }
        List<String> profileIds = survivor == null ? List.of() : subjects.allIds(workspaceId, survivor);
        Set<Identifier> identifiers = new LinkedHashSet<>();
        if (identifier != null) {
            identifiers.add(identifier);
        }
        if (!profileIds.isEmpty()) {
            identifiers.addAll(subjects.identifiersOf(workspaceId, profileIds));
        }
        UUID id = UUID.randomUUID();
        if (!requests.insertIfNoneOpen(workspaceId, id, type, dedupeKey, request.profileId(), identifier, profileIds,
                List.copyOf(identifiers), requestedBy)) {
            UUID open = requests.findOpen(workspaceId, type, dedupeKey).orElseThrow(() ->
                    new ConcurrencyFailureException("The open request finished meanwhile"));
            return find(workspaceId, open.toString());
        }
        requests.insertServices(workspaceId, id, properties.privacyServices());
        Instant now = Instant.now();
        outbox.append(new PrivacyCommandIssued(UUID.randomUUID(), workspaceId, now, id, type.command(), profileIds,
                List.copyOf(identifiers), type.suppress()));
        ObjectNode details = json.createObjectNode().put("requestId", id.toString()).put("type", type.name());
        profileIds.forEach(details.putArray("profileIds")::add);
        audit.append(List.of(new AuditEntry(UUID.randomUUID(), workspaceId, AuditAction.privacy_requested, survivor,
                identifier == null ? null : AuditLog.subjectKey(identifier), requestedBy, details)));
        metrics.created(type);
        return find(workspaceId, id.toString());
    }

    @Transactional(readOnly = true)
    PrivacyRequestResponse find(String workspaceId, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw CdpException.notFound("privacy_request", id);
        }
        StoredRequest request = requests.find(workspaceId, uuid, false)
                .orElseThrow(() -> CdpException.notFound("privacy_request", id));
        Map<String, StoredService> parts = requests.findServices(workspaceId, uuid);
        Map<String, ServiceStatus> services = new LinkedHashMap<>();
        parts.forEach((name, part) -> services.put(name, new ServiceStatus(part.status().name(), part.detail(),
                part.acknowledgedAt())));
        ObjectNode export = null;
        if (request.type().exports()) {
            export = json.createObjectNode();
            export.put("requestId", request.id().toString());
            export.put("complete", request.status() == PrivacyStatus.completed);
            ObjectNode byService = export.putObject("services");
            parts.forEach((name, part) -> {
                if (part.export() != null) {
                    byService.set(name, part.export());
                }
            });
        }
        return new PrivacyRequestResponse(request.id(), request.type().name(), request.status().name(),
                request.profileId(), request.identifier(), request.profileIds(), services, request.createdAt(),
                request.completedAt(), export);
    }

    /**
     * The checks Bean Validation cannot express; returns the type.
     *
     * @param identifier the request's identifier under the workspace's rules, {@code null} when it
     *     has none or it is not one (invalid for its type, or blocked in the workspace)
     */
    private static PrivacyRequestType validate(CreatePrivacyRequest request, Identifier identifier) {
        ValidationErrors errors = new ValidationErrors();
        Optional<PrivacyRequestType> type = PrivacyRequestType.of(request.type());
        if (type.isEmpty()) {
            errors.add(pointerTo("type"), "must be one of " + PrivacyRequestType.VALUES);
        }
        boolean byProfile = request.profileId() != null;
        boolean byIdentifier = request.identifier() != null;
        if (byProfile == byIdentifier) {
            errors.add(pointerTo(byProfile ? "identifier" : "profileId"), "give exactly one of profileId and identifier");
        } else if (byProfile && request.profileId().isBlank()) {
            errors.add(pointerTo("profileId"), "must not be blank");
        } else if (byIdentifier && identifier == null) {
            errors.add(pointerTo("identifier", "value"), "is not a valid " + request.identifier().type()
                    + " in this workspace (an identifier type, and a value valid for it and not blocked: e.g. a"
                    + " phone number with its country code, unless the workspace has a default phone region)");
        }
        errors.throwIfAny();
        return type.orElseThrow();
    }
}
