package org.opencdp.consent.audit;

import java.util.Collection;
import java.util.List;
import org.opencdp.contracts.Identifier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log (issue 12): every consent change and privacy action, appended in the transaction
 * of the change itself, so the log holds exactly what happened. Never rewritten; erasure removes a
 * person's consent entries ({@link #forgetConsent}).
 */
@Service
public class AuditLog {

    private final AuditRepository repository;

    AuditLog(AuditRepository repository) {
        this.repository = repository;
    }

    /** How an entry names an identifier: {@code type:value}, in the shared normal form. */
    public static String subjectKey(Identifier identifier) {
        return identifier.type() + ":" + identifier.value();
    }

    /** Appends {@code entries} in order, in one statement, within the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void append(List<AuditEntry> entries) {
        if (!entries.isEmpty()) {
            repository.insertAll(entries);
        }
    }

    /** Removes the entries about the consent of {@code profileIds} (erasure); privacy entries stay. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int forgetConsent(String workspaceId, Collection<String> profileIds) {
        return repository.deleteConsentEntries(workspaceId, profileIds);
    }

    /** The entries about {@code profileIds} or naming {@code subject}, newest first, before {@code beforeSeq}. */
    List<AuditRepository.StoredEntry> find(String workspaceId, Collection<String> profileIds, String subject,
                                           Long beforeSeq, int limit) {
        return repository.find(workspaceId, profileIds, subject, beforeSeq, limit);
    }
}
