package org.opencdp.identity.rules;

/**
 * How one identifier type takes part in matching.
 *
 * @param limit how many values of the type one profile may hold; {@code null} for no limit
 * @param priority 1 is the highest; when linking would exceed a limit, the event's identifier with
 *     the lowest priority (the largest number) is dropped first
 */
public record IdentifierRule(Integer limit, int priority) {

    /** Whether {@code count} values of the type break the limit. */
    public boolean exceededBy(long count) {
        return limit != null && count > limit;
    }
}
