package org.opencdp.identity.resolution;

import java.util.List;
import org.opencdp.identity.graph.DroppedIdentifier;
import org.opencdp.identity.graph.PersonIdentifier;

/**
 * How one event resolved.
 *
 * @param profileId the canonical profile the event belongs to
 * @param linked the event's identifiers now attached to that profile
 * @param dropped the event's identifiers left out to respect the rules, lowest priority first
 * @param merge the merge the event caused, or {@code null}
 * @param created whether the event created {@code profileId} (none of its identifiers was known)
 */
record Resolution(String profileId, List<PersonIdentifier> linked, List<DroppedIdentifier> dropped, Merge merge,
                  boolean created) {

    /** Flat matching: profiles that share an identifier of the event are one person. */
    static final String RULE_FLAT_MATCHING = "flat_matching";
    /** An alias whose previousId belonged to another profile than the event's other identifiers. */
    static final String RULE_ALIAS = "alias";

    /**
     * @param survivorId the oldest of the profiles, which the others were merged into
     * @param mergedIds the profiles merged away, oldest first
     * @param identifiers the event's identifiers that belonged to those profiles (what linked them)
     * @param rule {@link #RULE_FLAT_MATCHING} or {@link #RULE_ALIAS}
     */
    record Merge(String survivorId, List<String> mergedIds, List<PersonIdentifier> identifiers, String rule) {
    }
}
