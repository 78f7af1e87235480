package org.opencdp.profile.profiles;

/**
 * A profile row as a transaction that locked it found it.
 *
 * @param mergedInto the profile it was merged into (which answers for it), null unless merged away
 * @param erased whether a privacy erasure emptied it: nothing may be stored for it any more
 */
public record LockedProfile(String id, String mergedInto, boolean erased) {

    /** Neither merged away nor erased: events and merged profiles may land on it. */
    public boolean isLive() {
        return mergedInto == null && !erased;
    }
}
