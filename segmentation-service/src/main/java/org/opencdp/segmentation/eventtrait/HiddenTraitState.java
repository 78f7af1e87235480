package org.opencdp.segmentation.eventtrait;

/**
 * Where a hidden computed trait of profile-service is: {@code status} as profile-service says it
 * ({@code backfilling}, {@code ready}, {@code failed}) or {@code deleting} (being removed there; it is
 * created again once that is done), with its backfill's progress in profiles.
 */
public record HiddenTraitState(String key, String status, long processed, long total) {

    public static final String READY = "ready";
    public static final String DELETING = "deleting";
    /** No such trait in profile-service: no segment uses the event node (preview does not create one). */
    public static final String MISSING = "missing";

    public boolean ready() {
        return READY.equals(status);
    }
}
