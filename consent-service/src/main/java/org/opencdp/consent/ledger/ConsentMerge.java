package org.opencdp.consent.ledger;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consent of merged profiles (issue 12), as a pure function of their current states. For each
 * purpose the merged state is the latest statement by event time across all the profiles, so a
 * denial made anonymously before sign-up wins over an older grant on the signed-up profile, and a
 * later grant wins over an older denial.
 *
 * <p>Ties (two statements with the same event time): a denial wins over a grant, since data must
 * not leave on a choice the person may have reversed at that very moment; when both say the same,
 * the survivor's statement is kept (then the first merged profile's, in the order given).
 */
final class ConsentMerge {

    /**
     * @param survivor the survivor's state, purpose → state
     * @param merged the merged-away profiles' states, in a fixed order (sorted ids)
     * @return the survivor's state after the merge, purpose → state, sorted by purpose
     */
    static Map<String, PurposeState> merge(Map<String, PurposeState> survivor, List<Map<String, PurposeState>> merged) {
        Map<String, PurposeState> result = new TreeMap<>(survivor);
        for (Map<String, PurposeState> other : merged) {
            other.forEach((purpose, candidate) -> result.merge(purpose, candidate, ConsentMerge::latest));
        }
        return result;
    }

    /** The statement that wins: the later one; at the same time a denial; else {@code held}. */
    static PurposeState latest(PurposeState held, PurposeState candidate) {
        int order = candidate.occurredAt().compareTo(held.occurredAt());
        if (order > 0) {
            return candidate;
        }
        if (order == 0 && held.granted() && !candidate.granted()) {
            return candidate;
        }
        return held;
    }

    private ConsentMerge() {
    }
}
