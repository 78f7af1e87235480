package org.opencdp.consent.api;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.consent.ConsentProperties;
import org.opencdp.consent.api.ConsentRequests.HistoryEntryResponse;
import org.opencdp.consent.api.ConsentRequests.ProfileConsentResponse;
import org.opencdp.consent.api.ConsentRequests.PurposeStateResponse;
import org.opencdp.consent.api.ConsentRequests.PutConsentRequest;
import org.opencdp.consent.ledger.ConsentLedger;
import org.opencdp.consent.ledger.ConsentStatement;
import org.opencdp.consent.ledger.LegalBasis;
import org.opencdp.consent.purposes.Jurisdiction;
import org.opencdp.consent.purposes.PurposeKey;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Consent stated through the API, and a profile's consent as the API shows it. */
@Service
class ConsentService {

    static final String DEFAULT_SOURCE = "api";

    private final SubjectService subjects;
    private final ConsentLedger ledger;
    private final ConsentProperties properties;

    ConsentService(SubjectService subjects, ConsentLedger ledger, ConsentProperties properties) {
        this.subjects = subjects;
        this.ledger = ledger;
        this.properties = properties;
    }

    /** Records the request's statements (each one, even when it confirms the state) and returns the new state. */
    @Transactional
    ProfileConsentResponse put(String workspaceId, PutConsentRequest request) {
        ConsentSubject subject = validate(request);
        String profileId = subjects.canonicalId(workspaceId, switch (subject) {
            case ConsentSubject.ByProfile byProfile -> byProfile.profileId();
            case ConsentSubject.ByIdentifier id -> subjects.resolve(workspaceId, id.type(), id.value())
                    .orElseThrow(() -> CdpException.notFound("subject", id.type() + ":" + id.value()));
        });
        String source = request.source() == null ? DEFAULT_SOURCE : request.source();
        LegalBasis legalBasis = request.legalBasis() == null ? LegalBasis.consent
                : LegalBasis.valueOf(request.legalBasis());
        Instant occurredAt = request.occurredAt() == null ? Instant.now() : request.occurredAt();
        List<ConsentStatement> statements = new ArrayList<>();
        request.purposes().forEach((purpose, value) -> statements.add(ConsentStatement.stated(purpose,
                "granted".equals(value), source, legalBasis, Jurisdiction.normalize(request.jurisdiction()),
                occurredAt)));
        ledger.record(workspaceId, profileId, statements, ConsentLedger.Repeats.RECORD);
        return view(workspaceId, profileId);
    }

    /** A profile's consent; a merged-away id answers with its survivor's (issue 12). */
    @Transactional(readOnly = true)
    ProfileConsentResponse get(String workspaceId, String requestedId) {
        String profileId = subjects.canonicalId(workspaceId, requestedId);
        if (!subjects.isKnown(workspaceId, profileId)) {
            throw CdpException.notFound("profile", requestedId);
        }
        return view(workspaceId, profileId);
    }

    private ProfileConsentResponse view(String workspaceId, String profileId) {
        Map<String, PurposeStateResponse> purposes = new LinkedHashMap<>();
        ledger.state(workspaceId, profileId).forEach((purpose, state) -> purposes.put(purpose,
                new PurposeStateResponse(state.granted(), state.occurredAt(), state.source(),
                        state.legalBasis().name(), state.jurisdiction())));
        List<HistoryEntryResponse> history = ledger.history(workspaceId, subjects.allIds(workspaceId, profileId),
                        properties.historyLimit())
                .stream()
                .map(entry -> new HistoryEntryResponse(entry.id(), entry.purpose(), entry.granted(), entry.source(),
                        entry.legalBasis().name(), entry.jurisdiction(), entry.occurredAt(), entry.recordedAt(),
                        entry.eventMessageId(), entry.profileId()))
                .toList();
        return new ProfileConsentResponse(profileId, purposes, history);
    }

    /** The checks Bean Validation cannot express; returns the subject. */
    private ConsentSubject validate(PutConsentRequest request) {
        ValidationErrors errors = new ValidationErrors();
        boolean byProfile = request.profileId() != null;
        boolean byIdentifier = request.identifier() != null;
        if (byProfile == byIdentifier) {
            errors.add(pointerTo(byProfile ? "identifier" : "profileId"), "give exactly one of profileId and identifier");
        } else if (byProfile && request.profileId().isBlank()) {
            errors.add(pointerTo("profileId"), "must not be blank");
        }
        request.purposes().forEach((purpose, value) -> {
            if (!PurposeKey.isValid(purpose)) {
                errors.add(pointerTo("purposes", purpose), "purpose keys must match " + PurposeKey.REGEX);
            } else if (!"granted".equals(value) && !"denied".equals(value)) {
                errors.add(pointerTo("purposes", purpose), "must be \"granted\" or \"denied\"");
            }
        });
        if (request.source() != null && request.source().isBlank()) {
            errors.add(pointerTo("source"), "must not be blank");
        }
        if (request.jurisdiction() != null && !Jurisdiction.isValid(request.jurisdiction())) {
            errors.add(pointerTo("jurisdiction"), "must be a jurisdiction code like EU, US or US-CA");
        }
        Duration tolerance = properties.futureTolerance();
        if (request.occurredAt() != null && request.occurredAt().isAfter(Instant.now().plus(tolerance))) {
            errors.add(pointerTo("occurredAt"), "must not be more than " + tolerance + " in the future");
        }
        errors.throwIfAny();
        return byProfile ? new ConsentSubject.ByProfile(request.profileId())
                : new ConsentSubject.ByIdentifier(request.identifier().type(), request.identifier().value());
    }
}
