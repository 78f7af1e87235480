package org.opencdp.consent.decisions;

/** Why a purpose counts as granted or not for one profile; each constant is its API value. */
enum PurposeStatus {
    /** The profile's latest statement grants it. */
    granted(true),
    /** The profile's latest statement denies it. */
    denied(false),
    /** No statement; the purpose's default in the jurisdiction grants it. */
    default_granted(true),
    /** No statement; opt-in (or the default denies it, or the profile is unknown). */
    default_denied(false);

    private final boolean grants;

    PurposeStatus(boolean grants) {
        this.grants = grants;
    }

    /** Whether the purpose counts as granted. */
    boolean grants() {
        return grants;
    }
}
