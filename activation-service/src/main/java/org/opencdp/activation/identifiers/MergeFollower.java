package org.opencdp.activation.identifiers;

import java.util.List;
import java.util.UUID;

/**
 * Told of merges in the merge consumer's transaction, after the identifiers moved: what other
 * features keep per profile follows the merge in the same transaction (issue 13: audiences).
 */
public interface MergeFollower {

    /** A merged-away profile and the survivor it now redirects to, by the merge that did it. */
    record Merged(String workspaceId, String mergedId, String survivorId, UUID mergeId) {
    }

    void merged(List<Merged> merged);
}
