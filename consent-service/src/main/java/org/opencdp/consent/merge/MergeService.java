package org.opencdp.consent.merge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.consent.audit.AuditAction;
import org.opencdp.consent.audit.AuditEntry;
import org.opencdp.consent.audit.AuditLog;
import org.opencdp.consent.ledger.ConsentLedger;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a chunk of {@link ProfilesMerged} inside the kit consumer's transaction (issue 12). For
 * each merge, in consumed order: the survivor and merged ids are followed to where they redirect
 * now (so chains and out-of-order merges land on the final survivor), the consent of the merged
 * profiles is folded into the survivor's ({@link ConsentLedger#absorb}: the latest statement per
 * purpose wins), and the merged ids redirect to the survivor for reads, writes and decisions, their
 * identifiers with them. A merge delivered again, or naming profiles already merged into the
 * survivor, changes nothing.
 *
 * <p>Merges are rare, so each costs its own few statements. Every profile the chunk names is
 * locked first, in one statement and the ledger's fixed order; a merge whose ids redirect elsewhere
 * once locked (another instance merged them meanwhile) runs the chunk again.
 */
@Service
class MergeService {

    /** The consumer's name: its inbox and consumed-offset rows. */
    static final String CONSUMER = "consent-merges";
    static final int MAX_ID_LENGTH = 255;
    static final int MAX_MERGED = 1_000;

    private static final Logger log = LoggerFactory.getLogger(MergeService.class);

    private final ConsentLedger ledger;
    private final SubjectService subjects;
    private final AuditLog audit;
    private final JsonMapper json;

    MergeService(ConsentLedger ledger, SubjectService subjects, AuditLog audit, JsonMapper json) {
        this.ledger = ledger;
        this.subjects = subjects;
        this.audit = audit;
        this.json = json;
    }

    /** Applies the chunk's new merges; see the class comment. */
    void apply(List<ProfilesMerged> merges) {
        merges.stream().map(ProfilesMerged::workspaceId).distinct().forEach(workspaceId -> ledger.lock(workspaceId,
                merges.stream().filter(m -> m.workspaceId().equals(workspaceId)).flatMap(m -> named(m).stream())
                        .toList()));
        for (ProfilesMerged merge : merges) {
            applyOne(merge);
        }
    }

    private void applyOne(ProfilesMerged merge) {
        String workspaceId = merge.workspaceId();
        List<String> named = named(merge);
        Map<String, String> canonical = subjects.canonical(workspaceId, named);
        String survivorId = canonical.get(merge.survivorId());
        List<String> mergedIds = new ArrayList<>(new TreeSet<>(merge.mergedIds().stream().map(canonical::get)
                .filter(id -> !id.equals(survivorId)).toList()));
        if (mergedIds.isEmpty()) {
            log.debug("Merge {} in workspace {}: already applied", merge.id(), workspaceId);
            return;
        }
        Set<String> holders = new TreeSet<>(mergedIds);
        holders.add(survivorId);
        ledger.lock(workspaceId, holders);
        if (!subjects.canonical(workspaceId, named).equals(canonical)) {
            throw new ConcurrencyFailureException("Profiles of merge " + merge.id() + " were merged meanwhile");
        }
        Set<String> changed = ledger.absorb(workspaceId, survivorId, mergedIds);
        subjects.merge(workspaceId, survivorId, mergedIds, merge.id());
        ObjectNode details = json.createObjectNode().put("mergeId", merge.id().toString()).put("rule", merge.rule());
        mergedIds.forEach(details.putArray("mergedIds")::add);
        changed.forEach(details.putArray("purposesChanged")::add);
        audit.append(List.of(new AuditEntry(UUID.randomUUID(), workspaceId, AuditAction.profiles_merged, survivorId,
                null, "identity", details)));
        log.info("Merged the consent of {} into {} in workspace {} ({} purpose(s) changed)", mergedIds, survivorId,
                workspaceId, changed.size());
    }

    private static List<String> named(ProfilesMerged merge) {
        Set<String> named = new LinkedHashSet<>();
        named.add(merge.survivorId());
        named.addAll(merge.mergedIds());
        return List.copyOf(named);
    }

    /** The merge itself, when it can be applied at all; a {@link PermanentMessageException} otherwise. */
    static ProfilesMerged validate(ProfilesMerged message) {
        requireId(message.workspaceId(), "workspaceId");
        requireId(message.survivorId(), "survivorId");
        require(message.mergedIds() != null && !message.mergedIds().isEmpty(),
                "Merge " + message.id() + " names no merged profile");
        require(message.mergedIds().size() <= MAX_MERGED,
                "Merge " + message.id() + " names more than " + MAX_MERGED + " profiles");
        message.mergedIds().forEach(id -> requireId(id, "mergedIds[]"));
        return message;
    }

    private static void requireId(String value, String what) {
        require(value != null && !value.isBlank(), "Merge without " + what);
        require(value.length() <= MAX_ID_LENGTH, what + " longer than " + MAX_ID_LENGTH + " characters");
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new PermanentMessageException(reason);
        }
    }
}
