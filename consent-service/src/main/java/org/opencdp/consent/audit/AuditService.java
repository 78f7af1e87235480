package org.opencdp.consent.audit;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.kit.paging.PageCursor;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** Reads the audit log of one person: every id they are known by, and the identifier asked about. */
@Service
class AuditService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /** One page of entries, newest first; {@code nextCursor} is absent on the last page. */
    record AuditPage(String subject, List<String> profileIds, List<EntryResponse> entries, String nextCursor) {
    }

    record EntryResponse(UUID id, Instant at, String action, String profileId, String subject, String actor,
                         JsonNode details) {
    }

    private final AuditLog log;
    private final SubjectService subjects;

    AuditService(AuditLog log, SubjectService subjects) {
        this.log = log;
        this.subjects = subjects;
    }

    @Transactional(readOnly = true)
    AuditPage page(String workspaceId, String subject, String limitParameter, String cursor) {
        int limit = limit(limitParameter);
        Long before = PageCursor.after(cursor, 1, keys -> Long.parseLong(keys.getFirst())).orElse(null);
        AuditSubject who = AuditSubject.parse(subject,
                (type, value) -> subjects.normalise(workspaceId, type, value));
        Optional<String> profile = who.identifier().isPresent()
                ? subjects.profileOf(workspaceId, who.identifier().get())
                : Optional.of(who.profileId());
        List<String> profileIds = profile.map(id -> subjects.allIds(workspaceId, subjects.canonicalId(workspaceId, id)))
                .orElse(List.of());
        List<AuditRepository.StoredEntry> found = log.find(workspaceId, profileIds, who.key().orElse(null), before,
                limit + 1);
        List<EntryResponse> entries = new ArrayList<>();
        found.stream().limit(limit).forEach(entry -> entries.add(new EntryResponse(entry.id(), entry.at(),
                entry.action().name(), entry.profileId(), entry.subject(), entry.actor(), entry.details())));
        String next = found.size() > limit ? PageCursor.encode(Long.toString(found.get(limit - 1).seq())) : null;
        return new AuditPage(subject, profileIds, entries, next);
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        int value;
        try {
            value = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1 || value > MAX_LIMIT) {
            throw CdpException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ".")
                    .with("maxLimit", MAX_LIMIT);
        }
        return value;
    }

    /**
     * Whom {@code subject} names: an identifier ({@code type:value}, normalised under the caller's
     * workspace's rules, issue 14) or a profile id.
     */
    record AuditSubject(Optional<Identifier> identifier, String profileId) {

        /** @param normaliser the identifier a type and a written value stand for in the caller's workspace */
        static AuditSubject parse(String subject, BiFunction<String, String, Optional<Identifier>> normaliser) {
            ValidationErrors errors = new ValidationErrors();
            if (subject == null || subject.isBlank()) {
                errors.add(pointerTo("subject"), "is required: an identifier as type:value, or a profile id");
                errors.throwIfAny();
            }
            int colon = subject.indexOf(':');
            if (colon < 0) {
                if (subject.length() > 255) {
                    errors.add(pointerTo("subject"), "a profile id is at most 255 characters");
                    errors.throwIfAny();
                }
                return new AuditSubject(Optional.empty(), subject);
            }
            String type = subject.substring(0, colon);
            Optional<Identifier> identifier = IdentifierTypes.isWellFormed(type)
                    ? normaliser.apply(type, subject.substring(colon + 1)) : Optional.empty();
            if (identifier.isEmpty()) {
                errors.add(pointerTo("subject"), "must be an identifier as type:value (e.g. email:jane@example.com)"
                        + " with a value valid for its type in this workspace, or a profile id");
                errors.throwIfAny();
            }
            return new AuditSubject(identifier, null);
        }

        /** The identifier as audit entries name it ({@code type:value}, normal form), if the subject is one. */
        Optional<String> key() {
            return identifier.map(AuditLog::subjectKey);
        }
    }
}
