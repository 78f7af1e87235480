package org.opencdp.consent.decisions;

/** Why a purpose counts as granted or not for one profile. */
enum PurposeStatus {
    /** The profile's latest statement grants it. */
    GRANTED("granted", true),
    /** The profile's latest statement denies it. */
    DENIED("denied", false),
    /** No statement; the purpose's default in the jurisdiction grants it. */
    DEFAULT_GRANTED("default_granted", true),
    /** No statement; opt-in (or the default denies it, or the profile is unknown). */
    DEFAULT_DENIED("default_denied", false);

    private final String wireName;
    private final boolean granted;

    PurposeStatus(String wireName, boolean granted) {
        this.wireName = wireName;
        this.granted = granted;
    }

    String wireName() {
        return wireName;
    }

    boolean granted() {
        return granted;
    }
}
